package io.revisor.storage.kv.etcd;

import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvWatchListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a watch delivers, and whether the SPI's "never concurrently" promise was broken. */
final class RecordingListener implements KvWatchListener {
  final List<KvEvent> events = new CopyOnWriteArrayList<>();
  final List<List<KvEvent>> batches = new CopyOnWriteArrayList<>();
  final List<Long> progress = new CopyOnWriteArrayList<>();
  final List<KvException> errors = new CopyOnWriteArrayList<>();
  final AtomicInteger overlaps = new AtomicInteger();
  private final AtomicInteger inside = new AtomicInteger();

  @Override
  public void onEvents(List<KvEvent> batch) {
    enter();
    try {
      batches.add(batch);
      events.addAll(batch);
    } finally {
      inside.decrementAndGet();
    }
  }

  @Override
  public void onProgress(long revision) {
    enter();
    try {
      progress.add(revision);
    } finally {
      inside.decrementAndGet();
    }
  }

  @Override
  public void onError(KvException error) {
    enter();
    try {
      errors.add(error);
    } finally {
      inside.decrementAndGet();
    }
  }

  List<String> keys() {
    return events.stream().map(e -> e.kv().key()).toList();
  }

  List<Long> revisions() {
    return events.stream().map(KvEvent::revision).toList();
  }

  private void enter() {
    if (inside.incrementAndGet() != 1) {
      overlaps.incrementAndGet();
    }
  }
}
