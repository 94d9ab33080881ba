package io.revisor.storage.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.revisor.storage.kv.KvException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for SPI stages in tests, always with a bound. */
final class StageSupport {
  static final Duration WAIT = Duration.ofSeconds(30);

  private StageSupport() {}

  static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError("the stage failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the stage did not complete within " + WAIT, e);
    }
  }

  static KvException failure(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return fail("expected a failure but got " + value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      KvException kv = KvException.unwrap(e);
      assertThat(kv).as("failure %s is a KvException", e.getCause()).isNotNull();
      return kv;
    } catch (TimeoutException e) {
      throw new AssertionError("the stage did not complete within " + WAIT, e);
    }
  }
}
