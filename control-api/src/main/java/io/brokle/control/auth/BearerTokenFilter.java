package io.brokle.control.auth;

import io.dropwizard.auth.AuthFilter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Locale;

/**
 * Reads the access token from {@code Authorization: Bearer <token>} only. Unlike
 * dropwizard-auth's {@code OAuthCredentialAuthFilter}, it ignores an {@code access_token} query
 * parameter: a token in a URL ends up in request logs, proxies and browser history.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenFilter extends AuthFilter<String, UserPrincipal> {
    private static final String SCHEME = "Bearer";

    private BearerTokenFilter() {
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String token = token(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        if (!authenticate(request, token, SCHEME)) {
            throw unauthorizedHandler.buildException(prefix, realm);
        }
    }

    /** The token of a {@code Bearer} header (the scheme in any case), or null. */
    static String token(String header) {
        if (header == null) {
            return null;
        }
        int space = header.indexOf(' ');
        if (space <= 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return null;
        }
        String token = header.substring(space + 1).strip();
        return token.isEmpty() ? null : token;
    }

    /** Builds the filter; set the authenticator and the unauthorized handler. */
    public static final class Builder extends AuthFilterBuilder<String, UserPrincipal, BearerTokenFilter> {
        public Builder() {
            setPrefix(SCHEME);
        }

        @Override
        protected BearerTokenFilter newInstance() {
            return new BearerTokenFilter();
        }
    }
}
