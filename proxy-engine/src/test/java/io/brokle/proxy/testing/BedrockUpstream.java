package io.brokle.proxy.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fake AWS Bedrock runtime for tests: a real HTTP/1.1 server on {@code 127.0.0.1:<free port>}
 * that checks each request's Signature Version 4 against its configured credentials and the
 * current time, as AWS does (a bad, missing or more than 5 minutes old one gets 403 in Bedrock's
 * format), and serves
 * <ul>
 *   <li>{@code POST /model/{modelId}/converse}: a Converse answer;</li>
 *   <li>{@code POST /model/{modelId}/converse-stream}: the same answer as a binary
 *       {@code application/vnd.amazon.eventstream} (messageStart, contentBlockStart/Delta/Stop,
 *       messageStop, metadata; CRC32-checked frames, payloads padded with {@code "p"} as Bedrock
 *       does);</li>
 *   <li>{@code POST /model/{modelId}/invoke}: Titan text embeddings ({@code inputText}) and Cohere
 *       embeddings ({@code texts}).</li>
 * </ul>
 * Errors are Bedrock's: the status, {@code x-amzn-ErrorType: <Name>:http://...} and
 * {@code {"message":"..."}}. Converse bodies are checked as Bedrock does (roles alternate from
 * {@code user}, one key per content block, no blank text, tool blocks need {@code toolConfig}).
 * Answers are deterministic ({@link BedrockUpstreamHandler}). Each request takes the next scripted
 * misbehaviour, if any ({@link #failNext}, {@link #throttleNext}, {@link #slowFirstByteNext},
 * {@link #dropNextAfterEvents}, {@link #exceptionNextAfterEvents}, {@link #corruptNextAfterEvents}).
 *
 * <p>Records every request. Owns its server (one event loop, its connections); {@link #close()}
 * ends them all. Thread-safe.
 */
public final class BedrockUpstream extends MockUpstream<BedrockUpstream.Script> {
    public static final String ACCESS_KEY_ID = "AKIDEXAMPLE";
    public static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public static final String REGION = "us-east-1";
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, *SignedHeaders=([^,]+), *"
                    + "Signature=([0-9a-f]{64})");

    /** A scripted misbehaviour for one request. */
    sealed interface Script {
        record Fail(int status, String exception, String message) implements Script {
        }

        record SlowFirstByte(Duration delay) implements Script {
        }

        record DropAfterEvents(int events) implements Script {
        }

        record ExceptionAfterEvents(int events, String exceptionType, String message) implements Script {
        }

        record CorruptAfterEvents(int events) implements Script {
        }
    }

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final java.util.Set<String> promptCache = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private BedrockUpstream(String accessKeyId, String secretAccessKey, String region) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.region = region;
    }

    /** Starts with {@link #ACCESS_KEY_ID}, {@link #SECRET_ACCESS_KEY} and {@link #REGION}. */
    public static BedrockUpstream start() {
        BedrockUpstream upstream = new BedrockUpstream(ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION);
        upstream.listen("bedrock-upstream", MAX_REQUEST_BYTES,
                () -> new BedrockUpstreamHandler(upstream));
        return upstream;
    }

    public String region() {
        return region;
    }

    /** The next request gets {@code status} with Bedrock's error named {@code exception} (e.g. {@code ValidationException}). */
    public void failNext(int status, String exception, String message) {
        script(new Script.Fail(status, Objects.requireNonNull(exception), Objects.requireNonNull(message)));
    }

    /** The next request gets 429 {@code ThrottlingException}, as Bedrock answers over its quota. */
    public void throttleNext() {
        failNext(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    }

    /** The next request is answered (normally) only after {@code delay}. */
    public void slowFirstByteNext(Duration delay) {
        script(new Script.SlowFirstByte(delay));
    }

    /** The next streamed request gets its first {@code events} frames, then the connection closes; a plain one is closed unanswered. */
    public void dropNextAfterEvents(int events) {
        script(new Script.DropAfterEvents(events));
    }

    /** The next streamed request gets its first {@code events} frames, then an exception frame (e.g. {@code throttlingException}). */
    public void exceptionNextAfterEvents(int events, String exceptionType, String message) {
        script(new Script.ExceptionAfterEvents(events, exceptionType, message));
    }

    /** The next streamed request gets its first {@code events} frames, then a frame with a wrong message CRC. */
    public void corruptNextAfterEvents(int events) {
        script(new Script.CorruptAfterEvents(events));
    }

    /** True when {@code prefix} was cached before; caches it either way. */
    boolean cacheHit(String prefix) {
        return !promptCache.add(prefix);
    }

    /**
     * What is wrong with the request's signature, as Bedrock names it ({@code {exception, message}}),
     * or null when it verifies. The canonical request is rebuilt from what arrived, as AWS does:
     * the path's segments encoded once more, the signed headers trimmed and sorted, the body's SHA-256.
     */
    String[] signatureProblem(RecordedRequest request) {
        String authorization = request.header("authorization");
        String amzDate = request.header("x-amz-date");
        if (authorization == null || amzDate == null) {
            return new String[] {"MissingAuthenticationTokenException", "Missing Authentication Token"};
        }
        java.time.Instant signedAt;
        try {
            signedAt = java.time.LocalDateTime.parse(amzDate, java.time.format.DateTimeFormatter.ofPattern(
                    "yyyyMMdd'T'HHmmss'Z'")).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            return new String[] {"IncompleteSignatureException", "X-Amz-Date must be in ISO 8601 basic format."};
        }
        if (Duration.between(signedAt, java.time.Instant.now()).abs().compareTo(Duration.ofMinutes(5)) > 0) {
            return new String[] {"InvalidSignatureException", "Signature expired: " + amzDate + " is more than 5 "
                    + "minutes from the current time."};
        }
        Matcher m = AUTHORIZATION.matcher(authorization);
        if (!m.matches()) {
            return new String[] {"IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters."};
        }
        if (!m.group(1).equals(accessKeyId)) {
            return new String[] {"UnrecognizedClientException", "The security token included in the request is invalid."};
        }
        if (!m.group(3).equals(region) || !m.group(4).equals("bedrock") || !amzDate.startsWith(m.group(2))) {
            return new String[] {"InvalidSignatureException", "Credential should be scoped to a valid region and "
                    + "service 'bedrock'."};
        }
        List<String> signed = List.of(m.group(5).split(";"));
        if (!signed.contains("host") || !signed.contains("x-amz-date")
                || (request.header("x-amz-security-token") != null && !signed.contains("x-amz-security-token"))) {
            return new String[] {"InvalidSignatureException", "'Host', 'X-Amz-Date' and 'X-Amz-Security-Token' must "
                    + "be signed."};
        }
        TreeMap<String, String> headers = new TreeMap<>();
        for (String name : signed) {
            List<String> values = request.headerValues(name);
            if (values.isEmpty()) {
                return new String[] {"InvalidSignatureException", "Signed header " + name + " is missing."};
            }
            headers.put(name, String.join(",", values.stream().map(v -> v.trim().replaceAll(" +", " ")).toList()));
        }
        StringBuilder canonical = new StringBuilder("POST\n");
        String path = request.path();
        for (String segment : path.split("/", -1)) {
            canonical.append(encode(segment)).append('/');
        }
        canonical.setLength(canonical.length() - 1);
        canonical.append("\n\n");
        headers.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
        canonical.append('\n').append(m.group(5)).append('\n').append(hex(sha256(request.body())));
        String scope = m.group(2) + "/" + region + "/bedrock/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), m.group(2));
        key = hmac(hmac(hmac(key, region), "bedrock"), "aws4_request");
        if (!hex(hmac(key, toSign)).equals(m.group(6))) {
            return new String[] {"InvalidSignatureException", "The request signature we calculated does not match the "
                    + "signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
                    + "documentation for details."};
        }
        return null;
    }

    private static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append(String.format(Locale.ROOT, "%%%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
