package io.brokle.proxy.adapt.gemini;

import static io.brokle.proxy.adapt.gemini.GeminiToOpenAiResponseTest.parse;
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

class GeminiEmbeddingsTest {
    @Test
    void eachTextIsOneRequestOfTheBatchWithItsDimensions() throws Exception {
        GeminiEmbeddings.Request r = GeminiEmbeddings.request(parse("""
                {"model":"e","input":["one","two"],"dimensions":8,"user":"u"}"""), "gemini-embedding-001");

        assertEquals(parse("""
                {"requests":[
                  {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"one"}]},"outputDimensionality":8},
                  {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"two"}]},"outputDimensionality":8}]}"""),
                r.body());
        assertFalse(r.base64());
        assertEquals(List.of("user"), r.droppedParams());
        assertEquals(1, GeminiEmbeddings.request(parse("{\"input\":\"solo\"}"), "m").body().get("requests").size());
    }

    @Test
    void tokenArraysAreRefused() {
        TranslationException e = assertThrows(TranslationException.class,
                () -> GeminiEmbeddings.request(parse("{\"input\":[[1,2,3]]}"), "m"));
        assertEquals("input[0]", e.param());
        assertEquals("input", assertThrows(TranslationException.class,
                () -> GeminiEmbeddings.request(parse("{\"input\":[]}"), "m")).param());
    }

    @Test
    void vectorsComeBackAsFloatsOrAsLittleEndianBase64() throws Exception {
        JsonNode gemini = parse("{\"embeddings\":[{\"values\":[0.5,-1.25]},{\"values\":[2.0,0.0]}]}");

        JsonNode floats = parse(GeminiEmbeddings.answer(gemini, "gemini-embedding-001", false).toString());
        assertEquals(parse("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25]},
                 {"object":"embedding","index":1,"embedding":[2.0,0.0]}],"model":"gemini-embedding-001"}"""), floats);
        assertFalse(floats.has("usage"), "an unknown token count is left out, never 0");

        String base64 = GeminiEmbeddings.answer(gemini, "m", true).at("/data/0/embedding").asText();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.5f, bytes.getFloat());
        assertEquals(-1.25f, bytes.getFloat());
    }

    @Test
    void usageIsThereWhenGeminiReportsIt() throws Exception {
        JsonNode out = GeminiEmbeddings.answer(parse("""
                {"embeddings":[{"values":[1]}],"usageMetadata":{"promptTokenCount":7}}"""), "m", false);
        assertEquals(parse("{\"prompt_tokens\":7,\"total_tokens\":7}"), parse(out.toString()).get("usage"));
        assertTrue(assertThrows(TranslationException.class,
                () -> GeminiEmbeddings.answer(parse("{\"predictions\":[]}"), "m", false)).status() == 502);
    }
}
