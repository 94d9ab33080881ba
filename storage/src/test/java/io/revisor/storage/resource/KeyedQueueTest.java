package io.revisor.storage.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedQueueTest {
  private final ExecutorService handoff = Executors.newFixedThreadPool(2);
  private final KeyedQueue<String> queue = new KeyedQueue<>(handoff);

  @AfterEach
  void stop() {
    handoff.shutdownNow();
  }

  @Test
  void tasksOfOneKeyRunOneAtATimeInSubmissionOrder() {
    List<CompletableFuture<Void>> gates = new ArrayList<>();
    List<Integer> started = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      CompletableFuture<Void> gate = new CompletableFuture<>();
      gates.add(gate);
      results.add(queue.run("k", () -> {
        started.add(n);
        return gate.thenApply(ignored -> n);
      }));
    }
    assertThat(started).containsExactly(0);
    for (int i = 0; i < 5; i++) {
      gates.get(i).complete(null);
      assertThat(results.get(i).orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo(i);
    }
    results.get(4).join();
    awaitEmpty();
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void tasksOfOtherKeysDoNotWait() {
    CompletableFuture<Void> held = new CompletableFuture<>();
    CompletableFuture<String> first = queue.run("a", () -> held.thenApply(ignored -> "a"));
    assertThat(queue.run("b", () -> CompletableFuture.completedFuture("b")).join()).isEqualTo("b");
    assertThat(first).isNotDone();
    held.complete(null);
    assertThat(first.join()).isEqualTo("a");
  }

  @Test
  void aFailedOrThrowingTaskDoesNotStopTheQueue() {
    CompletableFuture<Void> held = new CompletableFuture<>();
    CompletableFuture<String> failing = queue.run("k", () -> held.thenApply(ignored -> {
      throw new IllegalStateException("boom");
    }));
    CompletableFuture<String> throwing = queue.run("k", () -> {
      throw new IllegalArgumentException("at once");
    });
    CompletableFuture<String> next = queue.run("k", () -> CompletableFuture.completedFuture("ran"));
    held.complete(null);
    assertThatThrownBy(failing::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
    assertThatThrownBy(throwing::join).hasRootCauseMessage("at once");
    assertThat(next.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("ran");
    awaitEmpty();
  }

  @Test
  void aLongQueueOfTasksThatEndAtOnceDoesNotNestOnOneStack() {
    CompletableFuture<Void> held = new CompletableFuture<>();
    queue.run("k", () -> held);
    AtomicInteger ran = new AtomicInteger();
    CompletableFuture<Integer> last = null;
    for (int i = 0; i < 50_000; i++) {
      last = queue.run("k", () -> CompletableFuture.completedFuture(ran.incrementAndGet()));
    }
    held.complete(null);
    assertThat(last.orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(50_000);
    awaitEmpty();
  }

  private void awaitEmpty() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (queue.activeKeys() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(queue.activeKeys()).isZero();
  }
}
