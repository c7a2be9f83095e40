package io.brokle.control.credentials;

import io.brokle.config.MockOptions;
import io.brokle.config.UpstreamTimeouts;
import java.time.Instant;
import java.util.UUID;

/**
 * A provider as the control plane shows it: the credential only masked ({@code sk-...abcd}), or
 * null when there is none.
 */
public record ProviderView(UUID id, UUID environmentId, String name, String kind, String baseUrl,
                           String credentialHint, String apiVersion, boolean enabled, UpstreamTimeouts timeouts,
                           MockOptions mock, String priceFamily, Instant createdAt, Instant updatedAt) {
}
