package io.brokle.control.api;

import java.util.Map;

/**
 * The body of {@code GET /health} and {@code GET /health/db}:
 * {@code {"status":"ok","checks":{"db":"ok","migrations":"ok"}}}. Each check is {@code ok} or
 * {@code down}; the reasons are on the admin port's {@code /healthcheck}, not on the API port.
 */
public record HealthStatus(String status, Map<String, String> checks) {
    public static final String OK = "ok";
    public static final String DOWN = "down";

    public HealthStatus {
        checks = Map.copyOf(checks);
    }
}
