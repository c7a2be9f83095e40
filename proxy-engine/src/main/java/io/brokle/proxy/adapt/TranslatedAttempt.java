package io.brokle.proxy.adapt;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;

/**
 * A request prepared for a provider that needs translation.
 *
 * @param body       the body to send, owned by the caller
 * @param path       the request target after the provider's base URL path, e.g. {@code /v1/messages}
 *                   (with its query string, if any)
 * @param headers    the headers the provider needs (credentials, API version, signature); values never logged
 * @param translator turns the provider's answer back into OpenAI's format
 */
public record TranslatedAttempt(ByteBuf body, String path, List<Map.Entry<String, String>> headers,
                                ResponseTranslator translator) {
}
