package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The deterministic answer of {@link GeminiUpstream} to one {@code generateContent} request, as
 * a whole {@code GenerateContentResponse} and as the responses of its stream.
 * <ul>
 *   <li>With {@code thinkingConfig.includeThoughts} (and a budget other than 0): first a part
 *       with {@code thought: true}.</li>
 *   <li>With function declarations, when {@code toolConfig.functionCallingConfig.mode} is
 *       {@code ANY} or the last user text contains "use the tool": a {@code functionCall} part
 *       for the allowed (or first) function, with a {@code thoughtSignature} as Gemini 3 sends it,
 *       its {@code args} made from the declaration's schema (strings {@code "mock"}, numbers 1,
 *       booleans true).</li>
 *   <li>With {@code responseMimeType: application/json}: the text is a JSON object (from
 *       {@code responseJsonSchema} properties as above, else {@code {"answer": ...}}).</li>
 *   <li>After a function response: {@code The tool said: <response JSON>}. Otherwise the text
 *       {@code Hello! You said: <last user text>}, cut at the first of its
 *       {@code stopSequences} (finish {@code STOP}) or after {@code maxOutputTokens} words
 *       ({@code MAX_TOKENS}).</li>
 *   <li>{@code candidateCount} candidates, each with its {@code index}.</li>
 *   <li>Usage: a token is four characters of the request's JSON; candidates' tokens are words,
 *       thoughts counted apart in {@code thoughtsTokenCount}. Implicit caching: when the same
 *       {@code systemInstruction} was seen before, its tokens are {@code cachedContentTokenCount}.</li>
 * </ul>
 * The stream sends the thought, then the text in pieces, then the function call, each as a
 * response with usage so far; the last one has {@code finishReason} and the whole usage.
 */
final class GeminiUpstreamAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_PIECE_CHARS = 12;

    private final ObjectNode response;
    private final List<ObjectNode> chunks;

    private GeminiUpstreamAnswer(ObjectNode response, List<ObjectNode> chunks) {
        this.response = response;
        this.chunks = chunks;
    }

    ObjectNode response() {
        return response;
    }

    List<ObjectNode> chunks() {
        return chunks;
    }

    static GeminiUpstreamAnswer of(String model, JsonNode request, GeminiUpstream upstream) {
        String responseId = digest(request.toString()).substring(0, 22);
        JsonNode config = request.path("generationConfig");
        JsonNode thinking = config.path("thinkingConfig");
        boolean thoughts = thinking.path("includeThoughts").asBoolean(false) && thinking.path("thinkingBudget").asInt(-1) != 0;
        String lastUserText = lastUserText(request.path("contents"));
        JsonNode lastResponse = lastFunctionResponse(request.path("contents"));

        String thought = thoughts ? "The user wrote \"" + lastUserText + "\". I will answer briefly." : null;
        ObjectNode functionCall = functionCall(request, lastUserText, lastResponse != null);
        String text;
        String finishReason = "STOP";
        if ("application/json".equals(config.path("responseMimeType").asText())) {
            JsonNode schema = config.get("responseJsonSchema");
            text = schema != null ? example(schema).toString()
                    : JSON.createObjectNode().put("answer", lastUserText).toString();
        } else if (functionCall != null) {
            text = "Let me call " + functionCall.get("name").asText() + ".";
        } else if (lastResponse != null) {
            text = "The tool said: " + lastResponse;
        } else {
            text = "Hello! You said: " + lastUserText;
            for (JsonNode stop : config.path("stopSequences")) {
                int at = text.indexOf(stop.asText());
                if (at >= 0) {
                    text = text.substring(0, at);
                }
            }
            int max = config.path("maxOutputTokens").asInt(Integer.MAX_VALUE);
            String[] words = text.split(" ");
            if (words.length > max) {
                text = String.join(" ", java.util.Arrays.copyOf(words, max));
                finishReason = "MAX_TOKENS";
            }
        }

        long promptTokens = Math.max(1, request.toString().length() / 4);
        JsonNode system = request.get("systemInstruction");
        long cached = system != null && upstream.cacheHit(system.toString()) ? Math.max(1, system.toString().length() / 4) : 0;
        long thoughtTokens = thought == null ? 0 : words(thought);
        int candidates = Math.max(1, config.path("candidateCount").asInt(1));
        long candidateTokens = (long) candidates * (words(text) + (functionCall == null ? 0 : 5));

        ObjectNode whole = head(model, responseId);
        ArrayNode wholeCandidates = whole.putArray("candidates");
        List<ObjectNode> chunks = new ArrayList<>();
        for (int c = 0; c < candidates; c++) {
            ObjectNode candidate = wholeCandidates.addObject();
            ObjectNode content = candidate.putObject("content");
            ArrayNode parts = content.putArray("parts");
            content.put("role", "model");
            if (thought != null) {
                parts.addObject().put("text", thought).put("thought", true);
            }
            parts.addObject().put("text", text);
            if (functionCall != null) {
                parts.add(functionCallPart(functionCall));
            }
            candidate.put("finishReason", finishReason);
            candidate.put("index", c);
        }
        ObjectNode usage = usage(promptTokens, candidateTokens, thoughtTokens, cached);
        whole.set("usageMetadata", usage);

        List<ObjectNode> pieces = new ArrayList<>();
        if (thought != null) {
            pieces.add(JSON.createObjectNode().put("text", thought).put("thought", true));
        }
        for (int i = 0; i < text.length(); i += TEXT_PIECE_CHARS) {
            pieces.add(JSON.createObjectNode().put("text", text.substring(i, Math.min(text.length(), i + TEXT_PIECE_CHARS))));
        }
        if (functionCall != null) {
            pieces.add(functionCallPart(functionCall));
        }
        for (int p = 0; p < pieces.size(); p++) {
            boolean last = p == pieces.size() - 1;
            ObjectNode chunk = head(model, responseId);
            ArrayNode chunkCandidates = chunk.putArray("candidates");
            for (int c = 0; c < candidates; c++) {
                ObjectNode candidate = chunkCandidates.addObject();
                candidate.putObject("content").put("role", "model").putArray("parts").add(pieces.get(p).deepCopy());
                if (last) {
                    candidate.put("finishReason", finishReason);
                }
                candidate.put("index", c);
            }
            chunk.set("usageMetadata", last ? usage
                    : JSON.createObjectNode().put("promptTokenCount", promptTokens).put("totalTokenCount", promptTokens));
            chunks.add(chunk);
        }
        return new GeminiUpstreamAnswer(whole, chunks);
    }

    /** A prompt the API refused: no candidates, only {@code promptFeedback}. */
    static ObjectNode blocked(String model, String reason) {
        ObjectNode out = JSON.createObjectNode();
        out.putObject("promptFeedback").put("blockReason", reason).putArray("safetyRatings").addObject()
                .put("category", "HARM_CATEGORY_DANGEROUS_CONTENT").put("probability", "HIGH");
        out.putObject("usageMetadata").put("promptTokenCount", 5).put("totalTokenCount", 5);
        out.put("modelVersion", model);
        out.put("responseId", "blocked-" + reason.toLowerCase(java.util.Locale.ROOT));
        return out;
    }

    private static ObjectNode head(String model, String responseId) {
        ObjectNode out = JSON.createObjectNode();
        out.put("modelVersion", model);
        out.put("responseId", responseId);
        return out;
    }

    private static ObjectNode usage(long prompt, long candidates, long thoughts, long cached) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("promptTokenCount", prompt);
        usage.put("candidatesTokenCount", candidates);
        usage.put("totalTokenCount", prompt + candidates + thoughts);
        if (cached > 0) {
            usage.put("cachedContentTokenCount", cached);
        }
        if (thoughts > 0) {
            usage.put("thoughtsTokenCount", thoughts);
        }
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", prompt);
        return usage;
    }

    private static ObjectNode functionCall(JsonNode request, String lastUserText, boolean afterResponse) {
        JsonNode declarations = request.path("tools").path(0).path("functionDeclarations");
        if (!declarations.isArray() || declarations.isEmpty() || afterResponse) {
            return null;
        }
        JsonNode calling = request.path("toolConfig").path("functionCallingConfig");
        String mode = calling.path("mode").asText("AUTO");
        if ("NONE".equals(mode) || (!"ANY".equals(mode) && !lastUserText.toLowerCase(java.util.Locale.ROOT).contains("use the tool"))) {
            return null;
        }
        JsonNode chosen = declarations.get(0);
        String allowed = calling.path("allowedFunctionNames").path(0).asText(null);
        if (allowed != null) {
            for (JsonNode declaration : declarations) {
                if (allowed.equals(declaration.path("name").asText())) {
                    chosen = declaration;
                }
            }
        }
        ObjectNode call = JSON.createObjectNode();
        call.put("name", chosen.path("name").asText());
        JsonNode schema = chosen.has("parametersJsonSchema") ? chosen.get("parametersJsonSchema") : chosen.get("parameters");
        call.set("args", schema == null ? JSON.createObjectNode() : example(schema));
        return call;
    }

    private static ObjectNode functionCallPart(ObjectNode call) {
        ObjectNode part = JSON.createObjectNode();
        part.set("functionCall", call.deepCopy());
        part.put("thoughtSignature", Base64.getEncoder().encodeToString(
                digest("signature:" + call).getBytes(StandardCharsets.US_ASCII)));
        return part;
    }

    /** A value matching {@code schema}'s object properties: strings "mock", numbers 1, booleans true. */
    private static ObjectNode example(JsonNode schema) {
        ObjectNode out = JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> property : (Iterable<Map.Entry<String, JsonNode>>) () -> schema.path("properties").fields()) {
            String type = property.getValue().path("type").asText("string").toLowerCase(java.util.Locale.ROOT);
            switch (type) {
                case "integer", "number" -> out.put(property.getKey(), 1);
                case "boolean" -> out.put(property.getKey(), true);
                case "object" -> out.set(property.getKey(), example(property.getValue()));
                case "array" -> out.putArray(property.getKey());
                default -> out.put(property.getKey(), "mock");
            }
        }
        return out;
    }

    private static String lastUserText(JsonNode contents) {
        for (int i = contents.size() - 1; i >= 0; i--) {
            JsonNode content = contents.get(i);
            if (!"user".equals(content.path("role").asText("user"))) {
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content.path("parts")) {
                if (part.has("text")) {
                    text.append(part.get("text").asText());
                }
            }
            if (!text.isEmpty()) {
                return text.toString();
            }
        }
        return "";
    }

    private static JsonNode lastFunctionResponse(JsonNode contents) {
        JsonNode last = contents.path(contents.size() - 1);
        for (JsonNode part : last.path("parts")) {
            if (part.has("functionResponse")) {
                return part.get("functionResponse").path("response");
            }
        }
        return null;
    }

    private static long words(String text) {
        return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }

    static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
