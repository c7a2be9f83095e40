package io.brokle.config;

import java.util.List;
import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a configuration value with the
 * environment's value; {@code $${} stands for a literal {@code ${}. It applies to scalar values
 * after YAML parsing, so an environment value can never change the file's structure.
 */
final class EnvSubstitution {
    private EnvSubstitution() {
    }

    /**
     * @param value    the raw scalar
     * @param env      looks up a variable; returns {@code null} when unset
     * @param path     where the value sits, for problem messages
     * @param problems receives one line per unset variable without a default or malformed reference
     * @return the substituted value (unset references without default become empty)
     */
    static String apply(String value, Function<String, String> env, String path, List<String> problems) {
        return apply(value, env, path, problems, false);
    }

    /**
     * @param secret the value is a secret: a malformed reference is not echoed, since its text
     *               may be part of the secret itself
     */
    static String apply(String value, Function<String, String> env, String path, List<String> problems,
                        boolean secret) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(path + ": unclosed \"${\" (expected: ${NAME} or ${NAME:-default})");
                    return value;
                }
                String ref = value.substring(i + 2, end);
                int sep = ref.indexOf(":-");
                String name = sep < 0 ? ref : ref.substring(0, sep);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.add(secret
                            ? path + ": a \"${\" that is not a valid environment variable reference (a secret, not "
                                    + "shown; expected: ${NAME} or ${NAME:-default}, or $${ for a literal ${)"
                            : path + ": \"" + name + "\" is not an environment variable name");
                    return value;
                }
                String resolved = env.apply(name);
                if (resolved == null) {
                    if (sep < 0) {
                        problems.add(path + ": environment variable " + name
                                + " is not set (set it, or write ${" + name + ":-default})");
                        resolved = "";
                    } else {
                        resolved = ref.substring(sep + 2);
                    }
                }
                out.append(resolved);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
