package io.brokle.control.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a caller sets on a virtual key, at creation or in an update. {@link KeyService} checks it
 * and names the offending field in its message.
 *
 * @param name          what people call the key, 1 to 200 characters
 * @param allowedModels public model names (routes of the environment) the key may use; empty: every model
 * @param metadata      the caller's own annotations, at most 50 entries
 * @param tags          labels for filtering, at most 50 of {@code [A-Za-z0-9._:-]{1,64}}
 * @param expiresAt     when the key stops working; null for never; must be in the future
 */
public record KeySpec(String name, List<String> allowedModels, Map<String, String> metadata, List<String> tags,
                      Instant expiresAt) {
    public KeySpec {
        // Copies that keep nulls, so the service can name them instead of failing here.
        allowedModels = allowedModels == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(allowedModels));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tags = tags == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tags));
    }

    /** A key for every model, without metadata, tags or expiry. */
    public static KeySpec named(String name) {
        return new KeySpec(name, List.of(), Map.of(), List.of(), null);
    }
}
