package io.brokle.control.snapshot;

import java.util.List;

/**
 * A change that was refused before anything was written: a field out of range, or an
 * environment whose snapshot would not validate. Each problem names the field or the snapshot
 * path (for example {@code routes[0].deployments[1]: unknown deployment "gpt-4o-eu"}) and never
 * a secret. A REST layer answers it with 400.
 */
public final class InvalidChangeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidChangeException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0) : String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidChangeException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
