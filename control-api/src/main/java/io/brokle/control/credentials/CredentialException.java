package io.brokle.control.credentials;

/** A stored credential that cannot be decrypted. The message names the key id, never a secret. */
public final class CredentialException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CredentialException(String message) {
        super(message);
    }
}
