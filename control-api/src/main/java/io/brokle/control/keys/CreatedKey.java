package io.brokle.control.keys;

/**
 * A key just created (or rotated) with its secret, the only time the secret exists outside
 * the caller: show it once. {@link #toString()} leaves the secret out.
 */
public record CreatedKey(KeyView key, String secret) {
    @Override
    public String toString() {
        return "CreatedKey[id=" + key.id() + ", prefix=" + key.displayPrefix() + ", secret=(redacted)]";
    }
}
