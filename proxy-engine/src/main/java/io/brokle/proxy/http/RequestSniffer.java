package io.brokle.proxy.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Finds {@code model}, {@code stream} and {@code stream_options} in a request body by streaming
 * over its tokens once, skipping everything else without building objects. The body is read
 * through a view: its reader index does not move and nothing is retained or released. Walking
 * every token also proves the body is well-formed JSON, so a malformed body is a 400 here
 * rather than an upstream's problem.
 */
public final class RequestSniffer {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();

    private RequestSniffer() {
    }

    /**
     * @param body     the request body; not retained, not released, reader index unchanged
     * @param endpoint which endpoint it was sent to, for its required fields
     * @throws BadRequestException when the body is not a JSON object or lacks a required field
     */
    public static SniffedRequest sniff(ByteBuf body, Endpoint endpoint) throws BadRequestException {
        if (!body.isReadable()) {
            throw new BadRequestException("The request body is empty; send a JSON object.", null);
        }
        try (InputStream in = new ByteBufInputStream(body.duplicate());
             JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("The request body must be a JSON object.", null);
            }
            int objectStart = (int) p.currentTokenLocation().getByteOffset();
            String model = null;
            int modelStart = -1;
            int modelEnd = -1;
            boolean stream = false;
            boolean includeUsage = false;
            boolean hasStreamOptions = false;
            int requiredSeen = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "model" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new BadRequestException("'model' must be a string.", "model");
                        }
                        modelStart = (int) p.currentTokenLocation().getByteOffset();
                        model = p.getText();
                        modelEnd = (int) p.currentLocation().getByteOffset();
                    }
                    case "stream" -> {
                        if (value == JsonToken.VALUE_TRUE) {
                            stream = true;
                        } else if (value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                            throw new BadRequestException("'stream' must be a boolean.", "stream");
                        }
                    }
                    case "stream_options" -> {
                        // Present even when null: a splice would then add a second key.
                        hasStreamOptions = true;
                        if (value == JsonToken.START_OBJECT) {
                            includeUsage = readIncludeUsage(p);
                        } else if (value != JsonToken.VALUE_NULL) {
                            throw new BadRequestException("'stream_options' must be an object.", "stream_options");
                        }
                    }
                    default -> {
                        int required = endpoint.requiredIndex(field);
                        if (required >= 0 && value != JsonToken.VALUE_NULL) {
                            requiredSeen |= 1 << required;
                        }
                        p.skipChildren();
                    }
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new BadRequestException("The request body is not valid JSON.", null);
            }
            if (p.nextToken() != null) {
                throw new BadRequestException("The request body has content after its JSON object.", null);
            }
            if (model == null || model.isEmpty()) {
                throw new BadRequestException("You must provide a model parameter.", "model");
            }
            for (int i = 0; i < endpoint.requiredFieldCount(); i++) {
                if ((requiredSeen & 1 << i) == 0) {
                    throw new BadRequestException("Missing required parameter: '" + endpoint.requiredField(i) + "'.",
                            endpoint.requiredField(i));
                }
            }
            return new SniffedRequest(model, modelStart, modelEnd, stream, includeUsage, hasStreamOptions, objectStart);
        } catch (IOException e) {
            throw new BadRequestException("The request body is not valid JSON (" + shortReason(e) + ").", null);
        }
    }

    private static boolean readIncludeUsage(JsonParser p) throws IOException, BadRequestException {
        boolean includeUsage = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("include_usage")) {
                if (v == JsonToken.VALUE_TRUE) {
                    includeUsage = true;
                } else if (v != JsonToken.VALUE_FALSE && v != JsonToken.VALUE_NULL) {
                    throw new BadRequestException("'stream_options.include_usage' must be a boolean.",
                            "stream_options.include_usage");
                }
            } else {
                p.skipChildren();
            }
        }
        return includeUsage;
    }

    private static String shortReason(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
