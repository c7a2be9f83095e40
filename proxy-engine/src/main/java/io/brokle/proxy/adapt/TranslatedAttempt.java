package io.brokle.proxy.adapt;

import io.netty.buffer.ByteBuf;

/**
 * A request prepared for a provider that needs translation.
 *
 * @param body       the body to send, owned by the caller
 * @param translator turns the provider's answer back into OpenAI's format
 */
public record TranslatedAttempt(ByteBuf body, ResponseTranslator translator) {
}
