package io.revisor.storage.kv.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.WatchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the embedded store that the shared contract cannot express. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedKvStoreSpecificTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path directory;

  private EmbeddedKvStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private EmbeddedKvStore open() {
    return EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      KvException kv = KvException.unwrap(e);
      throw kv != null ? new KvException(kv.code(), kv.getMessage(), kv.revision(), kv) : e;
    }
  }

  private static KvErrorCode code(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return KvException.unwrap(e).code();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void newStoreStartsAtRevisionZero() throws Exception {
    store = open();
    assertThat(get(store.currentRevision())).isZero();
    assertThat(get(store.put("/a", b("1")))).isEqualTo(1);
  }

  @Test
  void everyAcknowledgedWriteSurvivesACrash() throws Exception {
    store = open();
    long last = 0;
    for (int i = 0; i < 50; i++) {
      last = get(store.put("/k/" + i, b("v" + i)));
    }
    get(store.delete("/k/7"));
    long compacted = get(store.compact(last));
    long acknowledged = get(store.currentRevision());
    store.simulateCrash(); // no close: nothing is written after the last acknowledged commit
    store = open();
    assertThat(get(store.currentRevision())).isEqualTo(acknowledged);
    assertThat(get(store.range(RangeRequest.prefix("/k/").withCountOnly())).count()).isEqualTo(49);
    assertThat(get(store.get("/k/49"))).isEqualTo(new KeyValue("/k/49", b("v49"), last, last, 1));
    assertThat(code(store.range(RangeRequest.prefix("/k/").atRevision(compacted - 1))))
        .isEqualTo(KvErrorCode.COMPACTED);
    assertThat(get(store.put("/k/next", b("n")))).isEqualTo(acknowledged + 1);
  }

  @Test
  void secondInstanceOnTheSameDirectoryIsRefused() {
    store = open();
    assertThatThrownBy(this::open).isInstanceOfSatisfying(KvException.class,
        e -> assertThat(e.code()).isEqualTo(KvErrorCode.UNAVAILABLE));
  }

  @Test
  void descendingReadOfTheWholeKeySpace() throws Exception {
    store = open();
    get(store.put("/a", b("1")));
    get(store.put("/b", b("2")));
    get(store.put("\uFFFD", b("3")));
    assertThat(get(store.range(RangeRequest.prefix("").inDescendingOrder())).kvs())
        .extracting(KeyValue::key).containsExactly("\uFFFD", "/b", "/a");
    assertThat(get(store.range(RangeRequest.prefix("").inDescendingOrder().withLimit(1))).more()).isTrue();
  }

  @Test
  void keysWithNulOrEmptyKeysAreRefused() {
    store = open();
    assertThat(code(store.put("/a\u0000b", b("x")))).isEqualTo(KvErrorCode.INVALID_ARGUMENT);
    assertThat(code(store.put("", b("x")))).isEqualTo(KvErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void requestLimitIsConfigurable() throws Exception {
    store = EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory).withMaxRequestBytes(1024));
    assertThat(get(store.put("/small", new byte[900]))).isEqualTo(1);
    assertThat(code(store.put("/big", new byte[1100]))).isEqualTo(KvErrorCode.VALUE_TOO_LARGE);
  }

  @Test
  void compactionRemovesOldVersionsInSteps() throws Exception {
    store = open();
    for (int round = 0; round < 3; round++) {
      for (int batch = 0; batch < 15; batch++) { // one version per key and round, 100 keys per transaction
        List<KvOp> puts = new java.util.ArrayList<>();
        for (int i = batch * 100; i < batch * 100 + 100; i++) {
          puts.add(KvOp.put("/c/" + i, b("r" + round)));
        }
        get(store.txn(TxnRequest.when(List.of(), puts)));
      }
    }
    get(store.txn(TxnRequest.when(List.of(), List.of(new KvOp.Delete(KeyRange.prefix("/c/1"), false)))));
    long target = get(store.currentRevision());
    get(store.compact(target));
    // 4500 puts of 1500 keys, 611 of them deleted: 889 live versions, plus one tombstone kept at the target
    await().atMost(WAIT).until(() -> versionCount() == 889 + 611);
    assertThat(get(store.range(RangeRequest.prefix("/c/").withCountOnly())).count()).isEqualTo(889);
    assertThat(get(store.range(RangeRequest.key("/c/0"))).first().version()).isEqualTo(3);
  }

  private long versionCount() {
    return store.storedVersionsForTest();
  }

  @Test
  void closingTheStoreEndsWatchesWithClosed() throws Exception {
    store = open();
    List<KvException> errors = new CopyOnWriteArrayList<>();
    store.watch(WatchRequest.of(KeyRange.prefix("/w/"), 0), new KvWatchListener() {
      @Override
      public void onEvents(List<KvEvent> events) {}

      @Override
      public void onError(KvException error) {
        errors.add(error);
      }
    });
    store.close();
    await().atMost(WAIT).until(() -> !errors.isEmpty());
    assertThat(errors).singleElement().extracting(KvException::code).isEqualTo(KvErrorCode.CLOSED);
    assertThat(code(store.put("/w/a", b("x")))).isEqualTo(KvErrorCode.CLOSED);
    store = null;
  }

  @Test
  void aBlockedListenerDelaysNeitherWritersNorOtherWatches() throws Exception {
    store = open();
    CountDownLatch release = new CountDownLatch(1);
    List<KvEvent> slowSeen = new CopyOnWriteArrayList<>();
    List<KvEvent> fastSeen = new CopyOnWriteArrayList<>();
    store.watch(WatchRequest.of(KeyRange.prefix("/s/"), 1), new KvWatchListener() {
      @Override
      public void onEvents(List<KvEvent> events) {
        try {
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS); // a listener stuck on its first batch
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        slowSeen.addAll(events);
      }

      @Override
      public void onError(KvException error) {}
    });
    store.watch(WatchRequest.of(KeyRange.prefix("/s/"), 1), new KvWatchListener() {
      @Override
      public void onEvents(List<KvEvent> events) {
        fastSeen.addAll(events);
      }

      @Override
      public void onError(KvException error) {}
    });
    int writes = EmbeddedWatch.MAX_QUEUED_BATCHES + 500; // overflows the slow watch's queue
    for (int i = 0; i < writes; i++) {
      get(store.put("/s/" + i, b("v")));
    }
    await().atMost(WAIT).until(() -> fastSeen.size() == writes);
    release.countDown();
    await().atMost(WAIT).until(() -> slowSeen.size() >= writes);
    assertThat(slowSeen).extracting(KvEvent::revision).containsExactlyElementsOf(
        fastSeen.stream().map(KvEvent::revision).toList());
  }

  @Test
  void progressNotificationsArriveAtTheConfiguredInterval() {
    store = EmbeddedKvStore.open(
        EmbeddedKvStoreOptions.defaults(directory).withProgressNotifyInterval(Duration.ofMillis(50)));
    List<Long> progress = new CopyOnWriteArrayList<>();
    store.watch(new WatchRequest(KeyRange.prefix("/p/"), 0, false, true), new KvWatchListener() {
      @Override
      public void onEvents(List<KvEvent> events) {}

      @Override
      public void onProgress(long revision) {
        progress.add(revision);
      }

      @Override
      public void onError(KvException error) {}
    });
    await().atMost(WAIT).until(() -> progress.size() >= 3);
    assertThat(progress).allSatisfy(r -> assertThat(r).isZero());
  }
}
