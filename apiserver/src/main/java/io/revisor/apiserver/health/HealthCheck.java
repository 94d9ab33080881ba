package io.revisor.apiserver.health;

import io.vertx.core.Future;

/**
 * One named check of {@code /healthz}, {@code /livez} or {@code /readyz}.
 *
 * @param name the check's name, e.g. {@code storage}; also its path, {@code /readyz/storage}
 * @param probe completes when healthy; fails with the reason otherwise (the reason is logged, never returned)
 */
public record HealthCheck(String name, java.util.function.Supplier<Future<Void>> probe) {}
