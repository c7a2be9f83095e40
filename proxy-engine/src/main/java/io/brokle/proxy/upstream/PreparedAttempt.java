package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.ResponseTranslator;
import io.netty.buffer.ByteBuf;

/**
 * One attempt's upstream request, in the provider's format.
 *
 * @param target     where it goes, with the provider's headers
 * @param body       the body to send, owned by the caller
 * @param translator turns the provider's answer into the client's format; {@code null} when the
 *                   provider speaks the client's format and its answers pass as they are
 */
record PreparedAttempt(UpstreamTarget target, ByteBuf body, ResponseTranslator translator) {
}
