package io.brokle.proxy.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokle.config.MockOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MockProviderMainTest {

    @Test
    void parsesEveryFlag() {
        MockProviderMain.Settings settings = MockProviderMain.parse(new String[] {
            "--host", "0.0.0.0", "--port", "9101", "--latency", "20ms", "--chunk-delay", "1s",
            "--chunks", "3", "--chunk-chars", "5", "--embedding-dimensions", "16", "--threads", "2"});

        assertEquals("0.0.0.0", settings.host());
        assertEquals(9101, settings.port());
        assertEquals(2, settings.threads());
        assertEquals(new MockOptions(Duration.ofMillis(20), Duration.ofSeconds(1), 3, 5, 16), settings.options());
    }

    @Test
    void defaultsToTheMockDefaults() {
        MockProviderMain.Settings settings = MockProviderMain.parse(new String[0]);

        assertEquals("127.0.0.1", settings.host());
        assertEquals(MockOptions.DEFAULTS, settings.options());
    }

    @Test
    void readsDurationsWithUnitsOrIso() {
        assertEquals(Duration.ZERO, MockProviderMain.parseDuration("0ms"));
        assertEquals(Duration.ZERO, MockProviderMain.parseDuration("0"));
        assertEquals(Duration.ofNanos(1_500_000), MockProviderMain.parseDuration("1500us"));
        assertEquals(Duration.ofMinutes(2), MockProviderMain.parseDuration("2m"));
        assertEquals(Duration.ofMillis(500), MockProviderMain.parseDuration("PT0.5S"));
    }

    @Test
    void rejectsUnknownFlagsAndBadValues() {
        assertThrows(IllegalArgumentException.class, () -> MockProviderMain.parse(new String[] {"--nope", "1"}));
        assertThrows(IllegalArgumentException.class, () -> MockProviderMain.parse(new String[] {"--chunks"}));
        assertThrows(IllegalArgumentException.class, () -> MockProviderMain.parse(new String[] {"--chunks", "x"}));
        assertThrows(IllegalArgumentException.class, () -> MockProviderMain.parse(new String[] {"--chunks", "0"}));
        assertThrows(IllegalArgumentException.class, () -> MockProviderMain.parseDuration("soon"));
    }
}
