package io.revisor.storage.kv;

import java.util.List;

/**
 * Receives what a {@link KvStore#watch} sees. Calls for one watch never overlap and arrive in revision order; they
 * run on a backend thread and must not block.
 */
public interface KvWatchListener {
  /**
   * A batch of changes, in revision order. Events of one transaction are never split across batches.
   *
   * @param events at least one event
   */
  void onEvents(List<KvEvent> events);

  /**
   * Every change up to and including {@code revision} in the watched range has been delivered. Sent periodically
   * when the watch asked for progress notifications, and after {@link KvWatch#requestProgress()}.
   */
  default void onProgress(long revision) {}

  /**
   * The watch ended with a failure and delivers nothing more: {@link KvErrorCode#COMPACTED} when the start
   * revision (or, after a resumption, the next needed revision) is compacted, {@link KvErrorCode#CLOSED} when the
   * store closed. Transient failures are retried by the backend and not reported here. Not called after
   * {@link KvWatch#close()}.
   */
  void onError(KvException error);
}
