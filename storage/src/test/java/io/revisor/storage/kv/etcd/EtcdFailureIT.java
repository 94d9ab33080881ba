package io.revisor.storage.kv.etcd;

import static io.revisor.storage.kv.etcd.StageSupport.failure;
import static io.revisor.storage.kv.etcd.StageSupport.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.WatchRequest;
import io.revisor.storage.testing.EtcdCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The etcd backend while etcd members stop and start: bounded failures, recovery, watches that survive. */
class EtcdFailureIT {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  /** Failures must arrive within the request timeout plus scheduling slack, never hang. */
  private static final Duration FAILURE_BOUND = REQUEST_TIMEOUT.plusSeconds(2);

  private static KvStore connect(EtcdCluster cluster) {
    return EtcdKvStore.connect(EtcdKvStoreOptions.builder()
        .endpoints(cluster.clientEndpoints())
        .requestTimeout(REQUEST_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(1))
        .build());
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  /**
   * Puts a key, retrying only while the write failed as UNAVAILABLE (refused before reaching etcd, so not applied;
   * what a client of a cluster sees for the few calls that race with a member's death).
   */
  private static long putWhenAvailable(KvStore store, String key, String value) {
    long[] revision = {0};
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      try {
        revision[0] = store.put(key, v(value)).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        return true;
      } catch (java.util.concurrent.ExecutionException e) {
        KvException kv = KvException.unwrap(e);
        if (kv != null && kv.code() == KvErrorCode.UNAVAILABLE) {
          return false;
        }
        throw e;
      }
    });
    return revision[0];
  }

  @Test
  void clusterKeepsServingWhileAnyOneMemberIsDown() {
    try (EtcdCluster cluster = EtcdCluster.start(3); KvStore store = connect(cluster)) {
      String p = "/failure/cluster/";
      RecordingListener listener = new RecordingListener();
      long start = join(store.currentRevision()) + 1;
      List<String> written = new ArrayList<>();
      try (KvWatch w = store.watch(WatchRequest.of(KeyRange.prefix(p), start), listener)) {
        // Stop each member in turn, so whichever member the client and the watch use goes down once.
        for (int down = 0; down < cluster.size(); down++) {
          cluster.stopMember(down);
          for (int i = 0; i < 3; i++) {
            String key = p + down + "/" + i;
            long rev = putWhenAvailable(store, key, "v" + i);
            written.add(key);
            assertThat(join(store.get(key)).modRevision()).isEqualTo(rev);
          }
          assertThat(join(store.range(RangeRequest.prefix(p).withCountOnly())).count()).isEqualTo(written.size());
          await().atMost(Duration.ofSeconds(30)).until(() -> listener.events.size() >= written.size());
          cluster.startMember(down);
        }
        assertThat(listener.keys()).containsExactlyElementsOf(written);
        assertThat(listener.revisions()).isSorted().doesNotHaveDuplicates();
        assertThat(listener.errors).isEmpty();
        assertThat(listener.overlaps).hasValue(0);
      }
    }
  }

  @Test
  void callsFailBoundedWhileEtcdIsDownAndWorkAgainAfterRestart() {
    try (EtcdCluster cluster = EtcdCluster.start(1); KvStore store = connect(cluster)) {
      String key = "/failure/single/k";
      long before = join(store.put(key, v("before")));
      cluster.stopMember(0);

      assertFailsBounded(() -> store.range(RangeRequest.key(key)));
      assertFailsBounded(() -> store.txn(TxnRequest.when(List.of(), List.of(KvOp.put(key, v("during"))))));
      assertFailsBounded(store::currentRevision);
      assertFailsBounded(() -> store.compact(before));

      cluster.startMember(0);
      long after = putWhenAvailable(store, key, "after");
      assertThat(after).isGreaterThan(before);
      assertThat(join(store.get(key)).value()).isEqualTo(v("after"));
      assertThat(join(store.currentRevision())).isEqualTo(after);
    }
  }

  @Test
  void watchSurvivesARestartWithoutLosingOrRepeatingEvents() {
    try (EtcdCluster cluster = EtcdCluster.start(1); KvStore store = connect(cluster)) {
      String p = "/failure/watch/";
      long start = join(store.put(p + "a", v("1")));
      RecordingListener listener = new RecordingListener();
      try (KvWatch w = store.watch(WatchRequest.of(KeyRange.prefix(p), start), listener)) {
        join(store.put(p + "b", v("2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() >= 2);

        cluster.restart();
        putWhenAvailable(store, p + "c", "3");
        putWhenAvailable(store, p + "d", "4");
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.events.size() >= 4);

        // Once the watch has reported progress past the last write, nothing more can arrive for it.
        long last = join(store.currentRevision());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          w.requestProgress();
          return listener.progress.stream().anyMatch(r -> r >= last);
        });
        assertThat(listener.keys()).containsExactly(p + "a", p + "b", p + "c", p + "d");
        assertThat(listener.revisions()).isSorted().doesNotHaveDuplicates();
        assertThat(listener.events).extracting(KvEvent::type).containsOnly(KvEvent.Type.PUT);
        assertThat(listener.errors).isEmpty();
        assertThat(listener.overlaps).hasValue(0);
      }
    }
  }

  private static void assertFailsBounded(Supplier<CompletionStage<?>> call) {
    long t0 = System.nanoTime();
    KvException e = failure(call.get());
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(e.code()).isIn(KvErrorCode.UNAVAILABLE, KvErrorCode.TIMEOUT);
    assertThat(took).isLessThan(FAILURE_BOUND);
  }
}
