package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A provider's translation of its whole successful answer into OpenAI's. */
@FunctionalInterface
interface AnswerTranslation {
    /** @throws TranslationException a 502 when {@code answer} breaks the provider's format */
    ObjectNode toOpenAi(JsonNode answer) throws TranslationException;
}
