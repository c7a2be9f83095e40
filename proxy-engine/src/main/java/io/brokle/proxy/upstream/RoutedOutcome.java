package io.brokle.proxy.upstream;

import io.brokle.proxy.route.RouteSelector.Candidate;

/**
 * How a client's request ended after all its attempts.
 *
 * @param last      the outcome of the attempt that answered the client
 * @param candidate the deployment of that attempt
 * @param attempts  how many attempts were made
 */
public record RoutedOutcome(RelayOutcome last, Candidate candidate, int attempts) {
}
