package io.brokle.control.db.migrate;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One numbered schema change and its inverse, read from a pair of files
 * {@code V0001__create_tenancy.up.sql} and {@code V0001__create_tenancy.down.sql}.
 *
 * @param version positive; migrations apply in version order
 * @param name    the file name's middle part, lower-case words joined by {@code _}
 * @param upSql   the up script as written, comments included
 * @param downSql the down script as written; may hold no statement at all
 */
public record Migration(long version, String name, String upSql, String downSql) {
    public Migration {
        if (version <= 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: > 0)");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upSql, "upSql");
        Objects.requireNonNull(downSql, "downSql");
    }

    /** The up script split into statements (see {@link SqlScript#split}). */
    public List<String> upStatements() {
        return SqlScript.split(upSql);
    }

    /** The down script split into statements. */
    public List<String> downStatements() {
        return SqlScript.split(downSql);
    }

    /** {@code 0001 create_tenancy}: how commands and messages name a migration. */
    public String label() {
        return formatVersion(version) + " " + name;
    }

    /** A version as people see it: at least four digits. */
    public static String formatVersion(long version) {
        return String.format(Locale.ROOT, "%04d", version);
    }
}
