package io.brokle.proxy.snapshot;

import io.brokle.config.ConfigException;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proxy's last good snapshot from the control plane, on local disk and encrypted
 * (AES-256-GCM, random 96-bit nonce), so a proxy restarted while the control plane is away
 * serves what it served before. The file is {@code BRKS}, a format byte, the nonce, then the
 * encrypted {@link SnapshotJson}; the header and the environment id are authenticated, so a
 * file altered, or written for another environment, is refused.
 *
 * <p>The key is {@value #KEY_VARIABLE} (base64 of 32 bytes) when set, else derived from the node
 * token (HMAC-SHA-256), so the file opens only for a proxy holding the same secret. Written
 * owner-only, through a temporary file and an atomic rename, so a crash never leaves half a file.
 */
public final class EncryptedSnapshotFile {
    public static final String KEY_VARIABLE = "BROKLE_SNAPSHOT_KEY";
    private static final byte[] MAGIC = "BRKS".getBytes(StandardCharsets.US_ASCII);
    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int HEADER_BYTES = MAGIC.length + 1 + NONCE_BYTES;

    private final Path file;
    private final String environmentId;
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public EncryptedSnapshotFile(Path file, String environmentId, SecretKey key) {
        this.file = file;
        this.environmentId = environmentId;
        this.key = key;
    }

    /** {@code snapshot-<environmentId>.bin} in {@code dataDir}. */
    public static Path fileFor(Path dataDir, String environmentId) {
        return dataDir.resolve("snapshot-" + environmentId + ".bin");
    }

    /**
     * The file key: {@code configuredKey} (base64 of 32 bytes) when given, else derived from
     * {@code nodeToken}.
     *
     * @throws IllegalArgumentException when {@code configuredKey} is not base64 of 32 bytes
     */
    public static SecretKey key(String configuredKey, String nodeToken) {
        if (configuredKey != null && !configuredKey.isBlank()) {
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(configuredKey.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(KEY_VARIABLE + ": not base64 (expected: 32 random bytes, base64)");
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException(KEY_VARIABLE + ": " + raw.length + " bytes (expected: 32, base64)");
            }
            return new SecretKeySpec(raw, "AES");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nodeToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return new SecretKeySpec(mac.doFinal("brokle last-good snapshot file v1".getBytes(StandardCharsets.UTF_8)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return file;
    }

    /** Replaces the file with {@code snapshot}. */
    public void write(GatewaySnapshot snapshot) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put(FORMAT).put(nonce).array();
        Path tmp = null;
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, header);
            byte[] sealed = cipher.doFinal(SnapshotJson.encode(snapshot));
            Files.createDirectories(file.toAbsolutePath().getParent());
            tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, ByteBuffer.allocate(header.length + sealed.length).put(header).put(sealed).array());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A leftover temporary file is never read.
                }
            }
        }
    }

    /**
     * The stored snapshot, or empty when there is no file.
     *
     * @throws ConfigException when the file is not one of ours, does not authenticate under this
     *         key and environment, or does not hold a valid snapshot
     */
    public Optional<GatewaySnapshot> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (bytes.length < HEADER_BYTES + 16 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || bytes[MAGIC.length] != FORMAT) {
            throw new ConfigException(file + ": not a Brokle snapshot file (format " + FORMAT + ")");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(bytes, MAGIC.length + 1, HEADER_BYTES),
                    Arrays.copyOf(bytes, HEADER_BYTES));
            return Optional.of(SnapshotJson.decode(cipher.doFinal(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES)));
        } catch (javax.crypto.AEADBadTagException e) {
            throw new ConfigException(file + ": does not authenticate (altered, another environment's, or another key's)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, byte[] header) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD(header);
        cipher.updateAAD(environmentId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    @Override
    public String toString() {
        return "EncryptedSnapshotFile[" + file + ", environment " + environmentId + ", key (redacted)]";
    }
}
