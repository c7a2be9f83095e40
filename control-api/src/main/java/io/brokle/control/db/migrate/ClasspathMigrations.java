package io.brokle.control.db.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads migrations from a classpath folder, in a directory (IDE, tests) or in a jar.
 *
 * <p>The folder holds only pairs {@code V<digits>__<name>.up.sql} and
 * {@code V<digits>__<name>.down.sql}; anything else there is an error, so a misspelt file cannot
 * be skipped silently. Every problem is reported at once.
 */
public final class ClasspathMigrations {
    /** Where the control plane's own migrations live. */
    public static final String SHIPPED = "io/brokle/control/db/migrations";

    /** {@code V0001__create_tenancy.up.sql}: version, name, direction. */
    public static final Pattern FILE_NAME = Pattern.compile("V(\\d{1,18})__([a-z0-9]+(?:_[a-z0-9]+)*)\\.(up|down)\\.sql");

    private ClasspathMigrations() {
    }

    /** The shipped migrations, sorted by version. */
    public static List<Migration> shipped() {
        return load(ClasspathMigrations.class.getClassLoader(), SHIPPED);
    }

    /**
     * The migrations under {@code location} (a folder such as {@code io/brokle/control/db/migrations}),
     * sorted by version; empty when the folder does not exist.
     *
     * @throws MigrationException listing every misnamed file, duplicate version, version without
     *                            both scripts, or pair whose two names differ
     */
    public static List<Migration> load(ClassLoader loader, String location) {
        Set<String> fileNames = new TreeSet<>();
        try {
            Enumeration<URL> roots = loader.getResources(location);
            while (roots.hasMoreElements()) {
                fileNames.addAll(list(roots.nextElement(), location));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + location, e);
        }

        List<String> problems = new ArrayList<>();
        Map<Long, String[]> byVersion = new TreeMap<>(); // [up name, down name, up file, down file]
        for (String fileName : fileNames) {
            Matcher m = FILE_NAME.matcher(fileName);
            if (!m.matches()) {
                problems.add(fileName + ": not a migration file name (expected: V0001__lower_snake_name.up.sql or .down.sql)");
                continue;
            }
            long version = Long.parseLong(m.group(1));
            int slot = m.group(3).equals("up") ? 0 : 1;
            String[] pair = byVersion.computeIfAbsent(version, v -> new String[4]);
            if (pair[slot + 2] != null) {
                problems.add(fileName + ": version " + Migration.formatVersion(version) + " already has "
                        + pair[slot + 2]);
                continue;
            }
            if (version == 0) {
                problems.add(fileName + ": version 0 means \"nothing applied\" (expected: >= 1)");
                continue;
            }
            pair[slot] = m.group(2);
            pair[slot + 2] = fileName;
        }

        List<Migration> migrations = new ArrayList<>();
        byVersion.forEach((version, pair) -> {
            if (pair[0] == null || pair[1] == null) {
                String present = pair[2] != null ? pair[2] : pair[3];
                if (present != null) {
                    problems.add(present + ": no matching ." + (pair[0] == null ? "up" : "down") + ".sql file");
                }
            } else if (!pair[0].equals(pair[1])) {
                problems.add(pair[2] + " and " + pair[3] + ": one version, two names");
            } else {
                migrations.add(new Migration(version, pair[0],
                        read(loader, location + "/" + pair[2]), read(loader, location + "/" + pair[3])));
            }
        });
        if (!problems.isEmpty()) {
            throw new MigrationException("migrations in " + location + " are not valid:\n  - "
                    + String.join("\n  - ", problems));
        }
        return List.copyOf(migrations);
    }

    private static Set<String> list(URL root, String location) throws IOException {
        switch (root.getProtocol()) {
            case "file" -> {
                Path dir;
                try {
                    dir = Path.of(root.toURI());
                } catch (URISyntaxException e) {
                    throw new IOException("cannot read " + root, e);
                }
                try (Stream<Path> files = Files.list(dir)) {
                    return new TreeSet<>(files.filter(Files::isRegularFile)
                            .map(p -> p.getFileName().toString()).toList());
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false);
                Set<String> names = new TreeSet<>();
                String prefix = location + "/";
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        String name = entry.getName();
                        if (!entry.isDirectory() && name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                            names.add(name.substring(prefix.length()));
                        }
                    }
                }
                return names;
            }
            default -> throw new IOException(String.format(Locale.ROOT,
                    "cannot list migrations at %s (expected: a directory or a jar on the classpath)", root));
        }
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("not found");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
