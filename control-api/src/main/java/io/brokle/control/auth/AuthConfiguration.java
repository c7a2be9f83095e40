package io.brokle.control.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The {@code auth:} section of the control plane's configuration. Every field has a default, so
 * the section may be left out; {@code tokenSecret} should not be (see its javadoc).
 */
public final class AuthConfiguration {
    @Pattern(regexp = "|.{32,}", message = "must be at least 32 characters (or empty for a random one)")
    private String tokenSecret;
    @NotNull
    private Duration accessTokenTtl = Duration.minutes(15);
    @NotNull
    private Duration sessionTtl = Duration.days(30);
    @NotNull
    private Duration invitationTtl = Duration.days(7);
    private boolean signupEnabled = true;
    @Min(8)
    private int passwordMemoryKib = PasswordHasher.Parameters.OWASP.memoryKib();
    @Min(1)
    @Max(100)
    private int passwordIterations = PasswordHasher.Parameters.OWASP.iterations();
    @Min(1)
    @Max(64)
    private int passwordParallelism = PasswordHasher.Parameters.OWASP.parallelism();
    @Min(1)
    private int loginAccountFreeFailures = LoginThrottle.Policy.DEFAULT.accountFreeFailures();
    @Min(1)
    private int loginAddressFreeFailures = LoginThrottle.Policy.DEFAULT.addressFreeFailures();
    @NotNull
    private Duration loginBaseLockout = Duration.seconds(1);
    @NotNull
    private Duration loginMaxLockout = Duration.minutes(15);
    @NotNull
    private Duration loginForgetAfter = Duration.hours(1);

    /**
     * The HMAC key of access tokens, at least 32 characters ({@code BROKLE_AUTH_TOKEN_SECRET} in
     * the shipped file). Every node of one deployment needs the same one. Without it the server
     * makes a random one at start: tokens then die with the process and work on that node only.
     */
    @JsonProperty
    public String getTokenSecret() {
        return tokenSecret;
    }

    @JsonProperty
    public void setTokenSecret(String tokenSecret) {
        this.tokenSecret = tokenSecret;
    }

    /** How long an access token works (default 15 minutes); refresh for a new one. */
    @JsonProperty
    public Duration getAccessTokenTtl() {
        return accessTokenTtl;
    }

    @JsonProperty
    public void setAccessTokenTtl(Duration accessTokenTtl) {
        this.accessTokenTtl = accessTokenTtl;
    }

    /** How long a login session lasts at most, refreshes included (default 30 days). */
    @JsonProperty
    public Duration getSessionTtl() {
        return sessionTtl;
    }

    @JsonProperty
    public void setSessionTtl(Duration sessionTtl) {
        this.sessionTtl = sessionTtl;
    }

    /** How long an invitation can be accepted (default 7 days). */
    @JsonProperty
    public Duration getInvitationTtl() {
        return invitationTtl;
    }

    @JsonProperty
    public void setInvitationTtl(Duration invitationTtl) {
        this.invitationTtl = invitationTtl;
    }

    /**
     * Whether anyone may sign up (default true); with false, the API makes no new accounts, so only
     * existing users can accept invitations.
     */
    @JsonProperty
    public boolean isSignupEnabled() {
        return signupEnabled;
    }

    @JsonProperty
    public void setSignupEnabled(boolean signupEnabled) {
        this.signupEnabled = signupEnabled;
    }

    /** Argon2id memory of new password hashes in KiB (default 19456, OWASP's minimum). */
    @JsonProperty
    public int getPasswordMemoryKib() {
        return passwordMemoryKib;
    }

    @JsonProperty
    public void setPasswordMemoryKib(int passwordMemoryKib) {
        this.passwordMemoryKib = passwordMemoryKib;
    }

    @JsonProperty
    public int getPasswordIterations() {
        return passwordIterations;
    }

    @JsonProperty
    public void setPasswordIterations(int passwordIterations) {
        this.passwordIterations = passwordIterations;
    }

    @JsonProperty
    public int getPasswordParallelism() {
        return passwordParallelism;
    }

    @JsonProperty
    public void setPasswordParallelism(int passwordParallelism) {
        this.passwordParallelism = passwordParallelism;
    }

    /** Failed logins an account may have in a row before lockouts start (default 5). */
    @JsonProperty
    public int getLoginAccountFreeFailures() {
        return loginAccountFreeFailures;
    }

    @JsonProperty
    public void setLoginAccountFreeFailures(int loginAccountFreeFailures) {
        this.loginAccountFreeFailures = loginAccountFreeFailures;
    }

    /** Failed logins a client address may have in a row before lockouts start (default 20). */
    @JsonProperty
    public int getLoginAddressFreeFailures() {
        return loginAddressFreeFailures;
    }

    @JsonProperty
    public void setLoginAddressFreeFailures(int loginAddressFreeFailures) {
        this.loginAddressFreeFailures = loginAddressFreeFailures;
    }

    /** The first lockout (default 1 s); each further failure doubles it, up to {@code loginMaxLockout}. */
    @JsonProperty
    public Duration getLoginBaseLockout() {
        return loginBaseLockout;
    }

    @JsonProperty
    public void setLoginBaseLockout(Duration loginBaseLockout) {
        this.loginBaseLockout = loginBaseLockout;
    }

    @JsonProperty
    public Duration getLoginMaxLockout() {
        return loginMaxLockout;
    }

    @JsonProperty
    public void setLoginMaxLockout(Duration loginMaxLockout) {
        this.loginMaxLockout = loginMaxLockout;
    }

    /** After this long without a failure, an account or address starts over (default 1 hour). */
    @JsonProperty
    public Duration getLoginForgetAfter() {
        return loginForgetAfter;
    }

    @JsonProperty
    public void setLoginForgetAfter(Duration loginForgetAfter) {
        this.loginForgetAfter = loginForgetAfter;
    }

    public PasswordHasher.Parameters passwordParameters() {
        return new PasswordHasher.Parameters(passwordMemoryKib, passwordIterations, passwordParallelism);
    }

    public LoginThrottle.Policy loginPolicy() {
        return new LoginThrottle.Policy(loginAccountFreeFailures, loginAddressFreeFailures,
                loginBaseLockout.toJavaDuration(), loginMaxLockout.toJavaDuration(), loginForgetAfter.toJavaDuration());
    }

    @Override
    public String toString() {
        return "AuthConfiguration[tokenSecret=" + (tokenSecret == null ? "unset" : "set") + "]";
    }
}
