package io.revisor.storage.kv.etcd;

import static io.revisor.storage.kv.etcd.StageSupport.failure;
import static io.revisor.storage.kv.etcd.StageSupport.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvErrorCode;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.RangeResult;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.kv.WatchRequest;
import io.revisor.storage.testing.EtcdCluster;
import io.revisor.storage.testing.EtcdExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The etcd backend against one real etcd member: reads, transactions, watches, compaction and error mapping. */
class EtcdKvStoreSmokeIT {
  @RegisterExtension static final EtcdExtension ETCD = EtcdExtension.singleMember();

  private KvStore store;
  private String p;

  @BeforeEach
  void setUp(TestInfo info) {
    store = EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
    p = "/smoke/" + info.getTestMethod().orElseThrow().getName() + "/";
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static byte[] v(String s) {
    return s.getBytes(UTF_8);
  }

  private long put(String key, String value) {
    return join(store.put(key, v(value)));
  }

  // -------------------------------------------------------------------------------------------------------------
  // range

  @Test
  void putThenGetReturnsValueAndRevisions() {
    long r1 = put(p + "a", "one");
    long r2 = put(p + "a", "two");

    KeyValue kv = join(store.get(p + "a"));

    assertThat(r2).isEqualTo(r1 + 1);
    assertThat(kv.value()).isEqualTo(v("two"));
    assertThat(kv.createRevision()).isEqualTo(r1);
    assertThat(kv.modRevision()).isEqualTo(r2);
    assertThat(kv.version()).isEqualTo(2);
    assertThat(join(store.get(p + "missing"))).isNull();
  }

  @Test
  void prefixRangeHonoursLimitCountOrderAndFlags() {
    for (String k : List.of("a", "b", "c", "d", "e")) {
      put(p + k, "v" + k);
    }
    put(p.substring(0, p.length() - 1) + "0", "outside"); // sorts right after the prefix, must not match

    RangeResult page = join(store.range(RangeRequest.prefix(p).withLimit(2)));
    assertThat(page.kvs()).extracting(KeyValue::key).containsExactly(p + "a", p + "b");
    assertThat(page.more()).isTrue();
    assertThat(page.count()).isEqualTo(5);

    RangeResult rest = join(store.range(RangeRequest.of(KeyRange.prefix(p).from(p + "c"))));
    assertThat(rest.kvs()).extracting(KeyValue::key).containsExactly(p + "c", p + "d", p + "e");
    assertThat(rest.more()).isFalse();

    RangeResult desc = join(store.range(RangeRequest.prefix(p).withLimit(2).inDescendingOrder()));
    assertThat(desc.kvs()).extracting(KeyValue::key).containsExactly(p + "e", p + "d");
    assertThat(desc.more()).isTrue();

    RangeResult keysOnly = join(store.range(RangeRequest.prefix(p).withKeysOnly()));
    assertThat(keysOnly.kvs()).hasSize(5).allSatisfy(kv -> assertThat(kv.value()).isEmpty());

    RangeResult count = join(store.range(RangeRequest.prefix(p).withCountOnly()));
    assertThat(count.kvs()).isEmpty();
    assertThat(count.count()).isEqualTo(5);

    RangeResult bounded = join(store.range(RangeRequest.of(KeyRange.prefix(p).until(p + "c"))));
    assertThat(bounded.kvs()).extracting(KeyValue::key).containsExactly(p + "a", p + "b");

    RangeResult endBeyondPrefix = join(store.range(RangeRequest.of(KeyRange.prefix(p).until(p + "\uffff"))));
    assertThat(endBeyondPrefix.count()).isEqualTo(5);

    RangeResult between = join(store.range(RangeRequest.of(KeyRange.between(p + "b", p + "d"))));
    assertThat(between.kvs()).extracting(KeyValue::key).containsExactly(p + "b", p + "c");

    RangeResult empty = join(store.range(RangeRequest.of(KeyRange.between(p + "d", p + "b"))));
    assertThat(empty.kvs()).isEmpty();
    assertThat(empty.count()).isZero();
  }

  @Test
  void emptyPrefixIsTheWholeKeySpace() {
    put(p + "x", "1");
    long rev = put(p + "y", "2");

    RangeResult all = join(store.range(RangeRequest.prefix("").withKeysOnly()));

    assertThat(all.kvs()).extracting(KeyValue::key).contains(p + "x", p + "y");
    assertThat(all.headerRevision()).isGreaterThanOrEqualTo(rev);
  }

  @Test
  void readsAtAPastRevisionSeeThatStateWithTheCurrentHeaderRevision() {
    long r1 = put(p + "k", "old");
    long r2 = put(p + "k", "new");

    RangeResult past = join(store.range(RangeRequest.key(p + "k").atRevision(r1)));

    assertThat(past.first().value()).isEqualTo(v("old"));
    assertThat(past.headerRevision()).isGreaterThanOrEqualTo(r2);
    assertThat(join(store.currentRevision())).isGreaterThanOrEqualTo(r2);
  }

  @Test
  void currentRevisionIsTheLatestWrite() {
    long rev = put(p + "k", "v");
    long current = join(store.currentRevision());
    assertThat(current).isGreaterThanOrEqualTo(rev);
    assertThat(put(p + "k", "w")).isEqualTo(current + 1);
  }

  // -------------------------------------------------------------------------------------------------------------
  // txn

  @ParameterizedTest(name = "{0}")
  @EnumSource(Compare.Target.class)
  void compareTargetsAndOperators(Compare.Target target) {
    String k = p + target;
    long created = put(k, "1");
    long modified = put(k, "2");
    long actual = switch (target) {
      case CREATE_REVISION -> created;
      case MOD_REVISION -> modified;
      case VERSION -> 2;
    };
    for (Compare.Op op : Compare.Op.values()) {
      for (long delta : new long[] {-1, 0, 1}) {
        long value = actual + delta;
        TxnResult r = join(store.txn(TxnRequest.when(List.of(new Compare(k, target, op, value)),
            List.of(KvOp.get(k)))));
        assertThat(r.succeeded()).as("%s %s %s (actual %s)", target, op, value, actual)
            .isEqualTo(op.test(actual, value));
      }
    }
  }

  @Test
  void absentCompareCreatesOnceAndFailureBranchReads() {
    String k = p + "k";
    TxnRequest create = new TxnRequest(List.of(Compare.absent(k)), List.of(KvOp.put(k, v("1"))),
        List.of(KvOp.get(k)));

    TxnResult first = join(store.txn(create));
    TxnResult second = join(store.txn(create));

    assertThat(first.succeeded()).isTrue();
    assertThat(first.results()).singleElement().isEqualTo(new TxnResult.PutResult(null));
    assertThat(second.succeeded()).isFalse();
    assertThat(second.revision()).isEqualTo(first.revision());
    assertThat(second.range(0).first().modRevision()).isEqualTo(first.revision());
  }

  @Test
  void txnResultsFollowTheOperationOrder() {
    put(p + "a", "1");
    put(p + "d/1", "x");
    put(p + "d/2", "y");
    long before = put(p + "b", "2");

    TxnResult r = join(store.txn(TxnRequest.when(List.of(Compare.modRevisionIs(p + "b", before)), List.of(
        KvOp.get(p + "a"),
        new KvOp.Put(p + "a", v("3"), true),
        new KvOp.Delete(KeyRange.prefix(p + "d/"), true),
        new KvOp.Range(RangeRequest.prefix(p + "d/").withCountOnly()),
        KvOp.put(p + "c", v("new"))))));

    assertThat(r.succeeded()).isTrue();
    assertThat(r.revision()).isEqualTo(before + 1);
    assertThat(r.range(0).first().value()).isEqualTo(v("1"));
    assertThat(((TxnResult.PutResult) r.results().get(1)).prevKv().value()).isEqualTo(v("1"));
    TxnResult.DeleteResult deleted = (TxnResult.DeleteResult) r.results().get(2);
    assertThat(deleted.deleted()).isEqualTo(2);
    assertThat(deleted.prevKvs()).extracting(KeyValue::key).containsExactly(p + "d/1", p + "d/2");
    assertThat(r.range(0).headerRevision()).isEqualTo(before);
    assertThat(r.range(3).count()).as("a read in a txn sees the writes before it").isZero();
    assertThat(join(store.get(p + "c")).modRevision()).isEqualTo(r.revision());
    assertThat(join(store.get(p + "a")).modRevision()).isEqualTo(r.revision());
  }

  @Test
  void readOnlyTxnReportsTheCurrentRevision() {
    long rev = put(p + "k", "v");
    TxnResult r = join(store.txn(TxnRequest.when(List.of(), List.of(KvOp.get(p + "k")))));
    assertThat(r.revision()).isEqualTo(rev);
  }

  // -------------------------------------------------------------------------------------------------------------
  // error mapping

  @Test
  void duplicateKeyInTxnIsInvalidArgument() {
    KvException e = failure(store.txn(TxnRequest.when(List.of(),
        List.of(KvOp.put(p + "k", v("1")), KvOp.put(p + "k", v("2"))))));
    assertThat(e.code()).isEqualTo(KvErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void requestAboveEtcdsLimitIsValueTooLarge() {
    // Above --max-request-bytes (1.5 MiB) but below gRPC's receive limit: etcd itself refuses it.
    KvException e = failure(store.put(p + "big", new byte[1_600_000]));
    assertThat(e.code()).isEqualTo(KvErrorCode.VALUE_TOO_LARGE);
  }

  @Test
  void requestAboveGrpcsLimitIsValueTooLarge() {
    // Above etcd's gRPC receive limit (max-request-bytes + 512 KiB): RESOURCE_EXHAUSTED from gRPC.
    KvException e = failure(store.put(p + "huge", new byte[3 << 20]));
    assertThat(e.code()).isEqualTo(KvErrorCode.VALUE_TOO_LARGE);
  }

  @Test
  void responseAboveTheClientLimitIsValueTooLarge() {
    put(p + "a", "x".repeat(2048));
    put(p + "b", "x".repeat(2048));
    try (KvStore small = EtcdKvStore.connect(EtcdKvStoreOptions.builder()
        .endpoints(ETCD.clientEndpoints()).maxInboundMessageSize(1024).build())) {
      KvException e = failure(small.range(RangeRequest.prefix(p)));
      assertThat(e.code()).isEqualTo(KvErrorCode.VALUE_TOO_LARGE);
    }
  }

  @Test
  void readAtAFutureRevisionIsFutureRevision() {
    long current = join(store.currentRevision());
    KvException e = failure(store.range(RangeRequest.key(p + "k").atRevision(current + 1000)));
    assertThat(e.code()).isEqualTo(KvErrorCode.FUTURE_REVISION);
  }

  @Test
  void compactionMapsReadsToCompactedAndRepeatsSucceed() {
    long r1 = put(p + "k", "1");
    long r2 = put(p + "k", "2");

    assertThat(join(store.compact(r2))).isEqualTo(r2);
    assertThat(join(store.compact(r2))).as("compacting again is fine").isEqualTo(r2);
    assertThat(join(store.compact(r1))).as("compacting below is fine").isEqualTo(r1);

    KvException e = failure(store.range(RangeRequest.key(p + "k").atRevision(r1)));
    assertThat(e.code()).isEqualTo(KvErrorCode.COMPACTED);
    assertThat(join(store.range(RangeRequest.key(p + "k").atRevision(r2))).first().value()).isEqualTo(v("2"));

    long current = join(store.currentRevision());
    KvException future = failure(store.compact(current + 1000));
    assertThat(future.code()).isEqualTo(KvErrorCode.FUTURE_REVISION);
  }

  @Test
  void ownDeadlineIsTimeout() {
    try (KvStore hasty = EtcdKvStore.connect(EtcdKvStoreOptions.builder()
        .endpoints(ETCD.clientEndpoints()).requestTimeout(Duration.ofNanos(1)).build())) {
      assertThat(failure(hasty.range(RangeRequest.key(p + "k"))).code()).isEqualTo(KvErrorCode.TIMEOUT);
      assertThat(failure(hasty.put(p + "k", v("1"))).code()).isEqualTo(KvErrorCode.TIMEOUT);
    }
  }

  @Test
  void nothingListeningIsUnavailable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    try (KvStore nowhere = EtcdKvStore.connect(EtcdKvStoreOptions.builder()
        .endpoints(List.of("http://127.0.0.1:" + port)).requestTimeout(Duration.ofSeconds(5)).build())) {
      assertThat(failure(nowhere.range(RangeRequest.key(p + "k"))).code())
          .isIn(KvErrorCode.UNAVAILABLE, KvErrorCode.TIMEOUT);
      assertThat(failure(nowhere.txn(TxnRequest.when(List.of(), List.of(KvOp.put(p + "k", v("1")))))).code())
          .isEqualTo(KvErrorCode.UNAVAILABLE);
    }
  }

  @Test
  void closedStoreFailsCallsAndWatchesWithClosed() {
    KvStore other = EtcdKvStore.connect(EtcdKvStoreOptions.of(ETCD.clientEndpoints()));
    RecordingListener listener = new RecordingListener();
    other.watch(WatchRequest.of(KeyRange.prefix(p), 0), listener);

    other.close();
    other.close();

    assertThat(failure(other.range(RangeRequest.key(p + "k"))).code()).isEqualTo(KvErrorCode.CLOSED);
    assertThat(failure(other.put(p + "k", v("1"))).code()).isEqualTo(KvErrorCode.CLOSED);
    assertThat(failure(other.currentRevision()).code()).isEqualTo(KvErrorCode.CLOSED);
    assertThat(failure(other.compact(1)).code()).isEqualTo(KvErrorCode.CLOSED);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(listener.errors).singleElement().extracting(KvException::code).isEqualTo(KvErrorCode.CLOSED));
    RecordingListener late = new RecordingListener();
    other.watch(WatchRequest.of(KeyRange.prefix(p), 0), late);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(late.errors).singleElement().extracting(KvException::code).isEqualTo(KvErrorCode.CLOSED));
  }

  // -------------------------------------------------------------------------------------------------------------
  // watch

  @Test
  void watchFromAPastRevisionDeliversEveryChangeInOrderWithPreviousValues() {
    long r1 = put(p + "a", "1");
    put(p + "a", "2");
    join(store.delete(p + "a"));
    put(p + "b", "3");
    put("/smoke/elsewhere", "ignored");

    RecordingListener listener = new RecordingListener();
    try (KvWatch w = store.watch(new WatchRequest(KeyRange.prefix(p), r1, true, false), listener)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() >= 4);
      long r5 = put(p + "c", "4");
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() >= 5);

      assertThat(listener.events).extracting(KvEvent::type).containsExactly(
          KvEvent.Type.PUT, KvEvent.Type.PUT, KvEvent.Type.DELETE, KvEvent.Type.PUT, KvEvent.Type.PUT);
      assertThat(listener.keys()).containsExactly(p + "a", p + "a", p + "a", p + "b", p + "c");
      assertThat(listener.revisions()).isSorted().doesNotHaveDuplicates().startsWith(r1).endsWith(r5);
      assertThat(listener.events.get(0).prevKv()).isNull();
      assertThat(listener.events.get(1).prevKv().value()).isEqualTo(v("1"));
      KvEvent delete = listener.events.get(2);
      assertThat(delete.kv().value()).isEmpty();
      assertThat(delete.prevKv().value()).isEqualTo(v("2"));
      assertThat(listener.errors).isEmpty();
      assertThat(listener.overlaps).hasValue(0);
    }
  }

  @Test
  void watchFromNowSkipsThePastAndKeepsTransactionsInOneBatch() {
    put(p + "before", "x");
    RecordingListener listener = new RecordingListener();
    try (KvWatch w = store.watch(WatchRequest.of(KeyRange.prefix(p), 0), listener)) {
      // The watch is established once a progress answer arrives; writes after that are "after now".
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        w.requestProgress();
        return !listener.progress.isEmpty();
      });
      long rev = join(store.txn(TxnRequest.when(List.of(), List.of(
          KvOp.put(p + "t1", v("1")), KvOp.put(p + "t2", v("2")))))).revision();

      await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() >= 2);
      assertThat(listener.keys()).containsExactly(p + "t1", p + "t2");
      assertThat(listener.batches).singleElement().satisfies(b ->
          assertThat(b).extracting(KvEvent::revision).containsOnly(rev));
    }
  }

  @Test
  void requestProgressAndPeriodicProgressReportTheCurrentRevision() {
    long rev = put(p + "k", "v");
    RecordingListener asked = new RecordingListener();
    RecordingListener periodic = new RecordingListener();
    try (KvWatch a = store.watch(new WatchRequest(KeyRange.prefix(p), rev + 1, false, false), asked);
        KvWatch b = store.watch(new WatchRequest(KeyRange.prefix(p), rev + 1, false, true), periodic)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        a.requestProgress();
        return !asked.progress.isEmpty();
      });
      assertThat(asked.progress.get(0)).isGreaterThanOrEqualTo(rev);
      // The test etcd sends idle progress notifications every second.
      await().atMost(Duration.ofSeconds(10)).until(() -> !periodic.progress.isEmpty());
      assertThat(periodic.progress.get(0)).isGreaterThanOrEqualTo(rev);
      assertThat(asked.events).isEmpty();
    }
  }

  @Test
  void watchFromACompactedRevisionFailsOnceWithCompacted() {
    long r1 = put(p + "k", "1");
    long r2 = put(p + "k", "2");
    join(store.compact(r2));

    RecordingListener listener = new RecordingListener();
    try (KvWatch w = store.watch(WatchRequest.of(KeyRange.prefix(p), r1), listener)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !listener.errors.isEmpty());
      put(p + "k", "3");
      KvException e = listener.errors.get(0);
      assertThat(e.code()).isEqualTo(KvErrorCode.COMPACTED);
      assertThat(e.revision()).isGreaterThanOrEqualTo(r2);
      // A later progress request must not revive it.
      w.requestProgress();
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
        assertThat(listener.errors).hasSize(1);
        assertThat(listener.events).isEmpty();
      });
    }
  }

  @Test
  void closedWatchDeliversNothingMore() {
    RecordingListener listener = new RecordingListener();
    KvWatch w = store.watch(WatchRequest.of(KeyRange.prefix(p), 0), listener);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      w.requestProgress();
      return !listener.progress.isEmpty();
    });
    put(p + "a", "1");
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.size() == 1);

    w.close();
    w.close();
    put(p + "b", "2");

    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      assertThat(listener.keys()).containsExactly(p + "a");
      assertThat(listener.errors).isEmpty();
    });
  }

  @Test
  void manyWatchEventsArriveInOrderWithoutOverlappingCalls() {
    long start = join(store.currentRevision()) + 1;
    RecordingListener listener = new RecordingListener();
    try (KvWatch w = store.watch(WatchRequest.of(KeyRange.prefix(p), start), listener)) {
      List<CompletionStage<Long>> writes = IntStream.range(0, 200)
          .mapToObj(i -> store.put(p + (i % 7), v("v" + i)))
          .collect(Collectors.toList());
      writes.forEach(StageSupport::join);
      await().atMost(Duration.ofSeconds(20)).until(() -> listener.events.size() >= 200);
      assertThat(listener.events).hasSize(200);
      assertThat(listener.revisions()).isSorted().doesNotHaveDuplicates();
      assertThat(listener.overlaps).hasValue(0);
    }
  }

  @Test
  void clusterEndpointsAreLoopback() {
    EtcdCluster cluster = ETCD.cluster();
    assertThat(cluster.clientEndpoints()).singleElement().asString().startsWith("http://127.0.0.1:");
  }
}
