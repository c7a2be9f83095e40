package io.brokle.proxy.http;

/**
 * What the gateway needs to know about a request body, and where to splice it, found without
 * copying or re-encoding the body.
 *
 * @param model              the {@code model} field's value
 * @param modelStart         offset (from the body's reader index) of the model value's opening quote
 * @param modelEnd           offset just after the model value's closing quote
 * @param stream             the {@code stream} field, false when absent
 * @param includeUsage       {@code stream_options.include_usage}, false when absent
 * @param hasStreamOptions   whether {@code stream_options} is present at all
 * @param objectStart        offset of the top-level opening brace
 */
public record SniffedRequest(String model, int modelStart, int modelEnd, boolean stream, boolean includeUsage,
                             boolean hasStreamOptions, int objectStart) {
}
