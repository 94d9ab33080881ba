package io.revisor.storage.resource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key, in the order they were submitted, and tasks of different keys
 * independently. A task starts once every earlier task of its key has finished, however it ended; nothing blocks a
 * thread while it waits.
 *
 * <p>A queue of compare-and-swap writers is unfair: a writer whose retry is computed late keeps losing to writers that
 * read the new state first, and can lose every attempt while others keep winning. Queueing a process's own writes of
 * one key takes that contention out of the store altogether (only other processes' writes can still conflict), and
 * saves the transactions the losers would have spent.
 *
 * <p>A task that waited starts on {@code handoff}, never inside the completion of the task before it, so that a long
 * queue of tasks that end at once cannot nest completions on one stack. Keys are forgotten when their queue empties.
 * Thread-safe.
 *
 * @param <K> the key type (its equals and hashCode decide which tasks queue together)
 */
public final class KeyedQueue<K> {
  private final ConcurrentHashMap<K, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
  private final Executor handoff;

  /** A queue that starts waiting tasks on the common pool (they only start asynchronous work there). */
  public KeyedQueue() {
    this(ForkJoinPool.commonPool());
  }

  public KeyedQueue(Executor handoff) {
    this.handoff = handoff;
  }

  /**
   * Runs {@code task} after every task submitted earlier for {@code key} has finished.
   *
   * @return the task's outcome; a synchronous throw of the task is its failure
   */
  public <T> CompletableFuture<T> run(K key, Supplier<? extends CompletionStage<T>> task) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> before = tails.put(key, mine);
    CompletableFuture<T> result = before == null || before.isDone()
        ? Futures.call(task)
        : before.thenComposeAsync(ignored -> Futures.call(task), handoff);
    result.whenComplete((value, failure) -> {
      tails.remove(key, mine);
      mine.complete(null);
    });
    return result;
  }

  /** Keys with a task running or waiting (for tests and gauges). */
  public int activeKeys() {
    return tails.size();
  }
}
