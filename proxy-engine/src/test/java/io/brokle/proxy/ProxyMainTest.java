package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.http.KeyHasher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The standalone proxy's command line and its {@code new-key} output. */
class ProxyMainTest {
    private static final String PEPPER = "a-pepper-for-the-new-key-test";
    private static final Pattern KEY_LINE = Pattern.compile("(?m)^\\s+(brk-\\S+)$");
    private static final Pattern HASH_LINE = Pattern.compile("(?m)^\\s+hash: (\\S+)$");

    @Test
    void noArgumentsMeanTheDefaultConfigAndTheFilesPort() {
        ProxyMain.Arguments a = ProxyMain.Arguments.parse(new String[0]);

        assertEquals("config/brokle.yml", a.config);
        assertNull(a.port, "no --port: the file's server.port applies");
        assertNull(a.dataDir);
        assertFalse(a.newKey);
        assertFalse(a.help);
    }

    @Test
    void everyOptionIsRead() {
        ProxyMain.Arguments a = ProxyMain.Arguments.parse(
                new String[] {"--config", "my.yml", "--port", "0", "--data-dir", "/tmp/state", "new-key"});

        assertEquals("my.yml", a.config);
        assertEquals(0, a.port);
        assertEquals("/tmp/state", a.dataDir);
        assertTrue(a.newKey);
    }

    @Test
    void helpIsRecognisedInEachSpelling() {
        for (String spelling : List.of("-h", "--help", "help")) {
            assertTrue(ProxyMain.Arguments.parse(new String[] {spelling}).help, spelling);
        }
    }

    @Test
    void aPortThatIsNotANumberIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyMain.Arguments.parse(new String[] {"--port", "eighty"}));

        assertEquals("--port: \"eighty\" is not a port number", e.getMessage());
    }

    @Test
    void aPortOutOfRangeIsRefusedWithTheRange() {
        for (String port : List.of("65536", "-1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProxyMain.Arguments.parse(new String[] {"--port", port}), port);
            assertEquals("--port: " + port + " (expected: 0..65535)", e.getMessage());
        }
    }

    @Test
    void anUnknownArgumentIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyMain.Arguments.parse(new String[] {"--config", "x.yml", "--verbose"}));

        assertEquals("unknown argument \"--verbose\"", e.getMessage());
    }

    @Test
    void anOptionWithoutItsValueIsRefused() {
        for (String flag : List.of("--config", "--port", "--data-dir")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProxyMain.Arguments.parse(new String[] {flag}), flag);
            assertEquals(flag + " needs a value", e.getMessage());
        }
    }

    @Test
    void theUsageNamesEveryOption() {
        for (String option : List.of("--config", "--port", "--data-dir", "new-key")) {
            assertTrue(ProxyMain.Arguments.USAGE.contains(option), option);
        }
    }

    @Test
    void newKeyPrintsAKeyAndTheHashThatAuthenticatesIt() {
        KeyHasher hasher = new KeyHasher(PEPPER);

        String output = printNewKey(hasher);

        String key = only(KEY_LINE, output, "key line");
        String hash = only(HASH_LINE, output, "hash line");
        assertTrue(key.startsWith("brk-"), key);
        assertTrue(key.length() >= 40, "a key with enough entropy: " + key);
        assertEquals(new KeyHasher(PEPPER).hash(key), hash, "the printed hash is the key's hash under the pepper");
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertFalse(output.contains(PEPPER), "the pepper is never printed");
        assertTrue(output.contains("keys:"), "says where the entry goes: " + output);
    }

    @Test
    void everyNewKeyIsDifferent() {
        KeyHasher hasher = new KeyHasher(PEPPER);

        String first = only(KEY_LINE, printNewKey(hasher), "key line");
        String second = only(KEY_LINE, printNewKey(hasher), "key line");

        assertNotEquals(first, second);
    }

    private static String printNewKey(KeyHasher hasher) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ProxyMain.printNewKey(hasher, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String only(Pattern pattern, String output, String what) {
        Matcher m = pattern.matcher(output);
        assertTrue(m.find(), "a " + what + " in:\n" + output);
        String value = m.group(1);
        assertFalse(m.find(), "exactly one " + what + " in:\n" + output);
        return value;
    }

    @Test
    void controlPlaneModeTakesAUrlAndAnEnvironmentTogether() {
        ProxyMain.Arguments a = ProxyMain.Arguments.parse(new String[] {"--control-plane", "http://127.0.0.1:8081",
                "--environment", "3f0c1a52-7b8e-4d35-9a61-2d0f4c8b9e17", "--port", "0"});

        assertEquals("http://127.0.0.1:8081", a.controlPlane);
        assertEquals("3f0c1a52-7b8e-4d35-9a61-2d0f4c8b9e17", a.environment);
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> ProxyMain.Arguments.parse(new String[] {"--control-plane", "http://127.0.0.1:8081"}));
        assertEquals("--control-plane and --environment go together", alone.getMessage());
        IllegalArgumentException notUrl = assertThrows(IllegalArgumentException.class,
                () -> ProxyMain.Arguments.parse(new String[] {"--control-plane", "control:8081", "--environment", "e"}));
        assertTrue(notUrl.getMessage().startsWith("--control-plane: \"control:8081\" (expected: an http or https URL"),
                notUrl.getMessage());
    }
}
