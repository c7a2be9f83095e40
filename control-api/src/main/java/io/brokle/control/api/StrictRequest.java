package io.brokle.control.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;

/**
 * A request body that refuses unknown fields (400 naming the field), so a typo such as
 * {@code "nmae"} is not silently ignored. Dropwizard's mapper ignores unknown fields everywhere;
 * {@link #HANDLER}, registered on it, makes an exception for the types that implement this.
 */
public interface StrictRequest {
    /** Fails on an unknown field of a {@link StrictRequest}; leaves every other type alone. */
    DeserializationProblemHandler HANDLER = new DeserializationProblemHandler() {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            if (StrictRequest.class.isAssignableFrom(type)) {
                throw UnrecognizedPropertyException.from(p, beanOrClass, propertyName,
                        deserializer == null ? null : deserializer.getKnownPropertyNames());
            }
            return false;
        }
    };
}
