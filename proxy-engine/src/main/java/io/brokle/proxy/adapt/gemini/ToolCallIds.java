package io.brokle.proxy.adapt.gemini;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The ids of tool calls. Gemini's {@code functionCall} usually has no id, and OpenAI clients need
 * one to answer the call, so the gateway makes one up: {@code call_} and 24 hex digits derived
 * from the answer's {@code responseId}, the candidate and the call's position. The same answer
 * therefore gets the same ids whether it is streamed or not, and the id is stable across the
 * chunks of a stream. An id Gemini gave is kept as is. Ids of the made-up form are not sent back
 * to Gemini (it did not choose them); others are.
 */
final class ToolCallIds {
    private static final Pattern GENERATED = Pattern.compile("call_[0-9a-f]{24}");

    private ToolCallIds() {
    }

    /**
     * @param givenId    the {@code functionCall.id} Gemini sent, or null
     * @param responseId the answer's {@code responseId} (or another per-answer value)
     * @param candidate  the candidate's index
     * @param call       the call's position within the candidate, from 0
     */
    static String of(String givenId, String responseId, int candidate, int call) {
        if (givenId != null && !givenId.isEmpty()) {
            return givenId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (responseId + "/" + candidate + "/" + call).getBytes(StandardCharsets.UTF_8));
            return "call_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code id} has the form of an id the gateway made up. */
    static boolean isGenerated(String id) {
        return GENERATED.matcher(id).matches();
    }
}
