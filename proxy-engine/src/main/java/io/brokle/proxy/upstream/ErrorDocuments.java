package io.brokle.proxy.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;

/**
 * Recognises an OpenAI-format upstream error answer the client can use as is: exactly one JSON
 * object, with a top-level {@code error}. See {@link io.brokle.proxy.http.ClientDialect#OPENAI}.
 */
public final class ErrorDocuments {
    private static final JsonFactory JSON = new JsonFactory();

    private ErrorDocuments() {
    }

    /** The top-level {@code error.code} (or {@code error.type}) of an error document, or {@code null}. */
    public static String errorCode(ByteBuf body) {
        try (java.io.InputStream in = new ByteBufInputStream(body.duplicate()); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("error") && v == JsonToken.START_OBJECT) {
                    String code = null;
                    String type = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        JsonToken fv = p.nextToken();
                        if (fv == JsonToken.VALUE_STRING && field.equals("code")) {
                            code = p.getText();
                        } else if (fv == JsonToken.VALUE_STRING && field.equals("type")) {
                            type = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                    return code != null ? code : type;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads through a view; the buffer's indexes and reference count are untouched. */
    public static boolean isErrorDocument(ByteBuf body) {
        try (java.io.InputStream in = new ByteBufInputStream(body.duplicate()); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean hasError = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("error") && v != JsonToken.VALUE_NULL) {
                    hasError = true;
                }
                p.skipChildren();
            }
            return hasError && p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
