package io.brokle.control.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format that other Argon2 libraries read:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded standard base64). Each hash
 * carries its own parameters, so they can be raised later: old hashes still verify, and
 * {@link #needsRehash} tells when to store a new one.
 *
 * <p>The defaults are OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane). Verification
 * compares in constant time, and {@link #verifyDummy} spends the same time for a user who does
 * not exist, so timing does not reveal which accounts do.
 */
public final class PasswordHasher {
    /** The parameters of new hashes. */
    public record Parameters(int memoryKib, int iterations, int parallelism) {
        public static final Parameters OWASP = new Parameters(19_456, 2, 1);

        public Parameters {
            if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("argon2id parameters: m=" + memoryKib + " t=" + iterations
                        + " p=" + parallelism + " (expected m >= 8*p, t >= 1, p >= 1)");
            }
        }
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,4}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{16,})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Parameters parameters;
    private final SecureRandom random;
    private final String dummy;

    public PasswordHasher(Parameters parameters, SecureRandom random) {
        this.parameters = parameters;
        this.random = random;
        this.dummy = hash("not a password anyone has");
    }

    /** A new encoded hash of {@code password} with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, parameters, HASH_BYTES);
        return String.format(Locale.ROOT, "$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", parameters.memoryKib(),
                parameters.iterations(), parameters.parallelism(), B64.encodeToString(salt), B64.encodeToString(hash));
    }

    /**
     * Whether {@code password} matches {@code encoded}; false (never an exception) for an encoded
     * value this class cannot read.
     */
    public boolean verify(String password, String encoded) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        if (m == null || !m.matches()) {
            return false;
        }
        Parameters stored;
        try {
            stored = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, stored, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time of one {@link #verify} for a user who does not exist; always false. */
    public boolean verifyDummy(String password) {
        verify(password, dummy);
        return false;
    }

    /** Whether {@code encoded} was made with parameters other than the current ones. */
    public boolean needsRehash(String encoded) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        return m == null || !m.matches()
                || Integer.parseInt(m.group(1)) != parameters.memoryKib()
                || Integer.parseInt(m.group(2)) != parameters.iterations()
                || Integer.parseInt(m.group(3)) != parameters.parallelism();
    }

    private static byte[] derive(String password, byte[] salt, Parameters p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        try {
            generator.generateBytes(secret, out);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "PasswordHasher[argon2id " + parameters + "]";
    }
}
