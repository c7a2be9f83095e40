package io.brokle.proxy.adapt.bedrock;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for requests with the signature in the {@code Authorization} header
 * (<a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">AWS
 * reference</a>), with the JDK's SHA-256 and HmacSHA256. The steps:
 * <ol>
 *   <li>canonical request: method, canonical URI (each path segment of the path as sent is
 *       URI-encoded again, as AWS does for every service but S3, so {@code v1%3A0} is signed as
 *       {@code v1%253A0}), canonical query, the signed headers (lower-case names, trimmed values
 *       with inner runs of spaces collapsed, sorted), their names, and the payload's SHA-256;</li>
 *   <li>string to sign: {@code AWS4-HMAC-SHA256}, the time, the scope
 *       {@code yyyyMMdd/region/service/aws4_request}, and the canonical request's SHA-256;</li>
 *   <li>signing key: HMAC chain of {@code "AWS4" + secret} over date, region, service,
 *       {@code aws4_request}; the signature is the hex HMAC of the string to sign.</li>
 * </ol>
 * The time is a parameter (a clock belongs to the caller). Immutable and thread-safe; the secret
 * never leaves this object and {@link #toString()} does not show it.
 */
public final class SigV4Signer {
    /** The SHA-256 of an empty payload. */
    public static final String EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String region;
    private final String service;
    private final String accessKeyId;
    private final byte[] secret;
    private final String sessionToken;
    private final boolean contentSha256Header;

    /**
     * @param region              the AWS region, e.g. {@code us-east-1}
     * @param service             the signing name of the service, {@code bedrock} for Bedrock's runtime
     * @param sessionToken        of temporary credentials, or null
     * @param contentSha256Header whether to add (and sign) {@code x-amz-content-sha256}, which
     *                            some services require; Bedrock does not
     */
    public SigV4Signer(String region, String service, String accessKeyId, String secretAccessKey, String sessionToken,
                       boolean contentSha256Header) {
        this.region = Objects.requireNonNull(region, "region");
        this.service = Objects.requireNonNull(service, "service");
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.secret = ("AWS4" + Objects.requireNonNull(secretAccessKey, "secretAccessKey"))
                .getBytes(StandardCharsets.UTF_8);
        this.sessionToken = sessionToken;
        this.contentSha256Header = contentSha256Header;
    }

    /**
     * Signs one request.
     *
     * @param method       e.g. {@code POST}
     * @param host         the {@code Host} header exactly as it will be sent ({@code host[:port]})
     * @param rawPath      the path exactly as it will be sent (already percent-encoded), e.g.
     *                     {@code /model/anthropic.claude-3-haiku-20240307-v1%3A0/converse}
     * @param rawQuery     the query as it will be sent, without {@code ?}, or null
     * @param otherHeaders further headers to sign, sent as given (e.g. {@code content-type}); may be empty
     * @param body         the payload
     * @param at           the signing time
     * @return the headers to add to the request: {@code x-amz-date}, {@code x-amz-security-token}
     *         (with a session token), {@code x-amz-content-sha256} (when asked), {@code authorization}
     */
    public List<Map.Entry<String, String>> sign(String method, String host, String rawPath, String rawQuery,
                                                List<Map.Entry<String, String>> otherHeaders, byte[] body,
                                                Instant at) {
        String amzDate = AMZ_DATE.format(at);
        String payloadHash = hex(sha256(body));
        List<Map.Entry<String, String>> added = new ArrayList<>(4);
        added.add(Map.entry("x-amz-date", amzDate));
        if (sessionToken != null) {
            added.add(Map.entry("x-amz-security-token", sessionToken));
        }
        if (contentSha256Header) {
            added.add(Map.entry("x-amz-content-sha256", payloadHash));
        }
        TreeMap<String, String> signed = new TreeMap<>();
        signed.put("host", host);
        for (var header : otherHeaders) {
            signed.merge(header.getKey().toLowerCase(Locale.ROOT), canonicalValue(header.getValue()),
                    (a, b) -> a + "," + b);
        }
        for (var header : added) {
            signed.put(header.getKey(), header.getValue());
        }
        String signedHeaders = String.join(";", signed.keySet());
        String canonicalRequest = canonicalRequest(method, rawPath, rawQuery, signed, signedHeaders, payloadHash);
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        String signature = hex(hmac(signingKey(amzDate.substring(0, 8)), stringToSign(amzDate, scope, canonicalRequest)));
        added.add(Map.entry("authorization", "AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature));
        return added;
    }

    /** The canonical request (step 1), for tests and for checking a received signature. */
    static String canonicalRequest(String method, String rawPath, String rawQuery, Map<String, String> sortedHeaders,
                                   String signedHeaders, String payloadHash) {
        StringBuilder out = new StringBuilder(256);
        out.append(method).append('\n').append(canonicalUri(rawPath)).append('\n')
                .append(canonicalQuery(rawQuery)).append('\n');
        sortedHeaders.forEach((name, value) -> out.append(name).append(':').append(value).append('\n'));
        return out.append('\n').append(signedHeaders).append('\n').append(payloadHash).toString();
    }

    /** The string to sign (step 2). */
    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    private byte[] signingKey(String day) {
        byte[] key = hmac(secret, day);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    /** Each segment of the path as sent, URI-encoded once more; an empty path is {@code /}. */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder(rawPath.length() + 16);
        int start = 0;
        while (start <= rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            out.append(uriEncode(rawPath.substring(start, end)));
            if (slash < 0) {
                break;
            }
            out.append('/');
            start = slash + 1;
        }
        return out.toString();
    }

    /** Parameters sorted by encoded name, then value; each name and value decoded, then encoded AWS's way. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] pair : pairs) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /**
     * RFC 3986 percent-encoding of everything but the unreserved characters
     * ({@code A-Z a-z 0-9 - _ . ~}), of the UTF-8 bytes, with upper-case hex digits.
     */
    public static String uriEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String percentDecode(String text) {
        return java.net.URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A header value trimmed, with runs of spaces inside collapsed to one. */
    static String canonicalValue(String value) {
        return value.trim().replaceAll(" +", " ");
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    @Override
    public String toString() {
        return "SigV4Signer[region=" + region + ", service=" + service + "]";
    }
}
