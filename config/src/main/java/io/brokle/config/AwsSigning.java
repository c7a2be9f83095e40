package io.brokle.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@code bedrock} provider signs its requests with (AWS Signature Version 4): the AWS region
 * of the endpoint and the credentials of an IAM user or role. The secret access key and the
 * session token are never logged: {@link #toString()} redacts them, and shows only the first four
 * characters of the access key id.
 *
 * @param region          the AWS region, e.g. {@code us-east-1}; part of every signature, and of
 *                        the default base URL {@code https://bedrock-runtime.{region}.amazonaws.com}
 * @param accessKeyId     the access key id ({@code AKIA...}, or {@code ASIA...} for temporary
 *                        credentials); {@code null} when its variable resolved empty (the provider
 *                        is then switched off)
 * @param secretAccessKey the secret access key; {@code null} like {@code accessKeyId}
 * @param sessionToken    the session token of temporary credentials, sent as
 *                        {@code x-amz-security-token}; {@code null} for long-term keys
 */
public record AwsSigning(String region, String accessKeyId, String secretAccessKey, String sessionToken) {
    /** What a region name looks like: {@code us-east-1}, {@code eu-central-2}, {@code us-gov-west-1}. */
    public static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

    public AwsSigning {
        Objects.requireNonNull(region, "region");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region: \"" + region + "\" (expected: an AWS region like us-east-1)");
        }
    }

    /** Whether both parts of the key are set; without them nothing can be signed. */
    public boolean hasCredentials() {
        return accessKeyId != null && secretAccessKey != null;
    }

    @Override
    public String toString() {
        String keyId = accessKeyId == null ? "none"
                : accessKeyId.length() <= 4 ? "(redacted)" : accessKeyId.substring(0, 4) + "...";
        return "AwsSigning[region=" + region + ", accessKeyId=" + keyId
                + ", secretAccessKey=" + (secretAccessKey == null ? "none" : "(redacted)")
                + ", sessionToken=" + (sessionToken == null ? "none" : "(redacted)") + "]";
    }
}
