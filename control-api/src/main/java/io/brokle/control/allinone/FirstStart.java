package io.brokle.control.allinone;

import io.brokle.config.TenantPath;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Project;
import io.brokle.control.keys.CreatedKey;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.seed.DevelopmentData;
import java.util.Optional;

/**
 * What the all-in-one mode makes on an empty database (no account at all): an administrator
 * with a random password, the served environment's organization, project and environment (the
 * administrator owns them), the {@code demo} model on the built-in mock provider, and a
 * development key. The password and the key exist in plaintext only in the returned value, to be
 * shown once; the database keeps an Argon2id hash and an HMAC.
 */
final class FirstStart {
    /** What to show once. Its {@code toString} hides both secrets. */
    record Credentials(String email, String password, String devKey, TenantPath environment) {
        @Override
        public String toString() {
            return "Credentials[email=" + email + ", password=(redacted), devKey=(redacted), environment="
                    + environment + "]";
        }
    }

    private FirstStart() {
    }

    /** Sets up an empty database; empty when it already has accounts (a later start). */
    static Optional<Credentials> setUp(DevelopmentData data, String adminEmail, TenantPath environment) {
        if (data.hasUsers()) {
            return Optional.empty();
        }
        String password = data.newPassword();
        UserPrincipal admin = data.user(adminEmail, password);
        Access organization = data.organization(admin, environment.organization(), environment.organization());
        Project project = data.project(organization, environment.project(), environment.project());
        Environment env = data.environment(organization, project, environment.environment());
        data.demo(admin, env.id());
        CreatedKey key = data.key(admin, env.id(), KeySpec.named("dev"));
        return Optional.of(new Credentials(admin.email(), password, key.secret(), environment));
    }
}
