package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.TranslationException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CohereEmbeddingsTest {
    private static final String ANSWER = """
            {"id":"da6e531f-54c6-4a73-bf92-f60566d8d753","embeddings":{"float":[[0.016296387,-0.008354187,0.5],[1.0,-2.5,0.125]]},
             "texts":["hello","goodbye"],"meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":2}},
             "response_type":"embeddings_by_type"}""";

    @Test
    void inputBecomesTextsWithTheDefaultInputTypeAndFloatEmbeddings() throws Exception {
        OpenAiToCohereEmbed.Translated t = OpenAiToCohereEmbed.translate(obj("""
                {"model":"embed-v4.0","input":["hello","goodbye"],"dimensions":256,"encoding_format":"float"}"""));

        assertEquals(parse("""
                {"model":"embed-v4.0","texts":["hello","goodbye"],"input_type":"search_document",
                 "embedding_types":["float"],"output_dimension":256}"""), reparsed(t.request().body()));
        assertFalse(t.base64());
        assertEquals(List.of(), t.request().droppedParams());
    }

    @Test
    void inputTypeIsOverriddenByTheExtensionFieldAndUnknownFieldsAreListed() throws Exception {
        OpenAiToCohereEmbed.Translated t = OpenAiToCohereEmbed.translate(obj("""
                {"model":"m","input":"a query","input_type":"search_query","user":"u1","encoding_format":"base64"}"""));

        assertEquals("search_query", t.request().body().get("input_type").asText());
        assertEquals(parse("[\"a query\"]"), t.request().body().get("texts"));
        assertTrue(t.base64());
        assertEquals(List.of("user"), t.request().droppedParams());
    }

    @Test
    void tokenArraysAndUnknownEncodingsAreRefused() {
        assertEquals("input", assertThrows(TranslationException.class, () -> OpenAiToCohereEmbed.translate(obj("""
                {"model":"m","input":[[1,2,3]]}"""))).param());
        assertEquals("encoding_format", assertThrows(TranslationException.class, () -> OpenAiToCohereEmbed.translate(obj("""
                {"model":"m","input":"x","encoding_format":"int8"}"""))).param());
    }

    @Test
    void theAnswerIsAnOpenAiEmbeddingsListWithBilledTokens() throws Exception {
        JsonNode answer = reparsed(CohereToOpenAiEmbeddings.translate(obj(ANSWER), "embed-v4.0", false));

        assertEquals(parse("""
                {"object":"list","data":[
                   {"object":"embedding","index":0,"embedding":[0.016296387,-0.008354187,0.5]},
                   {"object":"embedding","index":1,"embedding":[1.0,-2.5,0.125]}],
                 "model":"embed-v4.0","usage":{"prompt_tokens":2,"total_tokens":2}}"""), answer);
    }

    @Test
    void base64IsLittleEndianFloat32AsOpenAiEncodesIt() throws Exception {
        JsonNode answer = CohereToOpenAiEmbeddings.translate(obj(ANSWER), "m", true);

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(answer.get("data").get(1).get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(12, bytes.remaining());
        assertEquals(1.0f, bytes.getFloat());
        assertEquals(-2.5f, bytes.getFloat());
        assertEquals(0.125f, bytes.getFloat());
    }

    @Test
    void anAnswerWithoutFloatEmbeddingsIsA502() {
        assertEquals(502, assertThrows(TranslationException.class, () -> CohereToOpenAiEmbeddings.translate(
                obj("{\"id\":\"x\",\"embeddings\":{\"int8\":[[1,2]]}}"), "m", false)).status());
    }
}
