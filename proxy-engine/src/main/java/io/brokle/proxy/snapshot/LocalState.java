package io.brokle.proxy.snapshot;

import io.brokle.config.TenantPath;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.http.KeyHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The proxy's own files under its data directory, each readable by the owner only:
 * {@code key-pepper} (the secret that keys virtual-key hashes, when the configuration does not
 * give one) and {@code dev-key} (the development key created on first start).
 */
public final class LocalState {
    public static final String PEPPER_FILE = "key-pepper";
    public static final String DEV_KEY_FILE = "dev-key";
    public static final String DEV_KEY_ID = "dev";
    public static final TenantPath DEV_TENANT = new TenantPath("local", "default", "dev");

    private final Path dir;
    private final SecureRandom random = new SecureRandom();

    public LocalState(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The stored pepper, created on first use. */
    public String pepper() {
        Path file = dir.resolve(PEPPER_FILE);
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String pepper = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return writeOnce(file, pepper);
    }

    /** The dev key's secret, when one was created. */
    public Optional<String> devKey() {
        return read(dir.resolve(DEV_KEY_FILE));
    }

    /** Creates and stores a new dev key; returns its secret. */
    public String createDevKey() {
        return writeOnce(dir.resolve(DEV_KEY_FILE), KeyHasher.newKey(random));
    }

    public Path devKeyFile() {
        return dir.resolve(DEV_KEY_FILE);
    }

    /** The dev key as the snapshot knows it: every model, never expires. */
    public static VirtualKey devVirtualKey(String secret, KeyHasher hasher) {
        return new VirtualKey(DEV_KEY_ID, hasher.hash(secret), DEV_TENANT, Set.of(), null, false);
    }

    /** The keys this state adds to every snapshot. */
    public List<VirtualKey> localKeys(KeyHasher hasher) {
        return devKey().map(k -> List.of(devVirtualKey(k, hasher))).orElse(List.of());
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Writes a new owner-only file atomically: the value goes to a temporary file that is then
     * hard-linked to its name, which fails if the name exists. A process that loses the race
     * reads the winner's complete value, never a half-written one.
     */
    private String writeOnce(Path file, String value) {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            Files.createLink(file, tmp);
            return value;
        } catch (FileAlreadyExistsException e) {
            return read(file).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // A leftover temporary file holds no state anyone reads.
                }
            }
        }
    }
}
