package io.brokle.proxy.upstream;

/** Decides, when an attempt fails before the client got anything, whether another attempt replaces its answer. */
@FunctionalInterface
public interface AttemptPolicy {
    /** Never retry: the failure is answered as it is. */
    AttemptPolicy NEVER = failure -> false;

    /**
     * @return true when the caller starts another attempt, so this one must answer nothing
     */
    boolean retryInstead(AttemptFailure failure);
}
