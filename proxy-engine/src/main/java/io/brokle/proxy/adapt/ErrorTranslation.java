package io.brokle.proxy.adapt;

/** A provider's mapping of its error answer (status and body text) to OpenAI's. */
@FunctionalInterface
interface ErrorTranslation {
    TranslatedError toOpenAi(int status, String body);
}
