package io.brokle.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of processes as the OS accounts it ({@code VmRSS} in {@code /proc/PID/status}), and a
 * JVM's live heap as the JVM reports it after a full collection ({@code jcmd PID GC.run} and
 * {@code GC.heap_info}).
 */
final class ProcessMemory {
    private static final Pattern HEAP_USED = Pattern.compile("total [^\\n]*?used (\\d+)K");

    private ProcessMemory() {
    }

    /** The summed resident set of {@code pids}, in KiB; -1 when one of them is gone. */
    static long rssKb(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            long kb = statusField(pid, "VmRSS:");
            if (kb < 0) {
                return -1;
            }
            total += kb;
        }
        return total;
    }

    static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Live heap of a JVM in KiB after a full GC, through {@code jcmd}; -1 when that fails. */
    static long liveHeapKb(String jcmd, long pid) {
        try {
            run(jcmd, Long.toString(pid), "GC.run");
            String info = run(jcmd, Long.toString(pid), "GC.heap_info");
            Matcher m = HEAP_USED.matcher(info);
            long used = 0;
            boolean found = false;
            while (m.find()) {
                used += Long.parseLong(m.group(1));
                found = true;
            }
            return found ? used : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code name=pid[,pid...]} */
    record Watched(String name, List<Long> pids) {
        static Watched parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--measure: \"" + spec + "\" (expected: NAME=PID[,PID...])");
            }
            List<Long> pids = new ArrayList<>();
            for (String p : spec.substring(eq + 1).split(",")) {
                if (!p.isBlank()) {
                    pids.add(Long.parseLong(p.trim()));
                }
            }
            if (pids.isEmpty()) {
                throw new IllegalArgumentException("--measure: \"" + spec + "\" names no process");
            }
            return new Watched(spec.substring(0, eq), pids);
        }
    }
}
