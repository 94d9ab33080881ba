package io.revisor.storage.testing;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.RangeResult;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.kv.WatchRequest;
import java.util.concurrent.CompletionStage;

/**
 * A client of a backend that passes every call on: the base of test clients that record or alter a few calls.
 * Closing it leaves the backend open.
 */
public abstract class ForwardingKvStore implements KvStore {
  private final KvStore delegate;

  protected ForwardingKvStore(KvStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<RangeResult> range(RangeRequest request) {
    return delegate.range(request);
  }

  @Override
  public CompletionStage<TxnResult> txn(TxnRequest request) {
    return delegate.txn(request);
  }

  @Override
  public KvWatch watch(WatchRequest request, KvWatchListener listener) {
    return delegate.watch(request, listener);
  }

  @Override
  public CompletionStage<Long> compact(long revision) {
    return delegate.compact(revision);
  }

  @Override
  public CompletionStage<Long> currentRevision() {
    return delegate.currentRevision();
  }

  @Override
  public boolean progressIsExact() {
    return delegate.progressIsExact();
  }

  /** Does nothing: the backend belongs to whoever opened it. */
  @Override
  public void close() {}
}
