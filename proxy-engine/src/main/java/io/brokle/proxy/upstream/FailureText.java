package io.brokle.proxy.upstream;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Words for client-facing failure messages: what kind of failure a cause was (never its stack
 * trace), and a timeout as {@code 30s} or {@code 250ms}. Used by {@link UpstreamRelay} and
 * {@link StreamedAnswer}; holds nothing.
 */
final class FailureText {
    private FailureText() {
    }

    /** A cause for a client-facing message: its kind and message, never a stack trace. */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        boolean tls = false;
        while (true) {
            tls |= root instanceof SSLException;
            if (root.getCause() == null || root.getCause() == root) {
                break;
            }
            root = root.getCause();
        }
        String m = root.getMessage();
        String kind = tls ? "TLS failed" : switch (root) {
            case ConnectTimeoutException c -> "connect timed out";
            case ConnectException c -> "connection refused";
            case ClosedChannelException c -> "connection closed";
            default -> "connection error";
        };
        return m == null ? kind : kind + " (" + (m.length() > 160 ? m.substring(0, 160) : m) + ")";
    }

    /** Whole seconds as {@code 30s}, anything finer as {@code 250ms}. */
    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
