package io.revisor.storage.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Named.named;

import io.revisor.storage.kv.Compare.Op;
import io.revisor.storage.kv.Compare.Target;
import io.revisor.storage.kv.TxnResult.DeleteResult;
import io.revisor.storage.kv.TxnResult.PutResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link KvStore}, with etcd v3's semantics, run unchanged against every backend.
 *
 * <p>Backends may share one key space between tests (etcd's revision counter is global): every test writes only
 * under its own unique {@link #prefix}, asserts revisions relative to the ones it observed, and never assumes the
 * store is empty. Tests of one class run one after the other (no parallel execution), so the revision counter only
 * moves when the running test writes.
 *
 * <p>Subclasses provide {@link #newStore()} (a client to the backend under test) and {@link #restartBackend()}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class AbstractKvStoreContractTest {
  /** Upper bound of every single call or wait in this suite. */
  protected static final Duration WAIT = Duration.ofSeconds(30);

  /** etcd's default --max-request-bytes; every backend must refuse requests above it. */
  protected static final int ETCD_DEFAULT_MAX_REQUEST_BYTES = 1_572_864;

  /** The store under test; replaced by {@link #restart()}. */
  protected KvStore store;

  /** This test's own key prefix, ending in {@code /}. */
  protected String prefix;

  private final List<KvWatch> watches = new CopyOnWriteArrayList<>();

  /**
   * Returns a new client to the backend under test. Called before each test, and again after
   * {@link #restartBackend()}. The key space may hold keys of earlier tests.
   */
  protected abstract KvStore newStore() throws Exception;

  /**
   * Restarts the backend on the same data: called after the suite closed its store and before it calls
   * {@link #newStore()} again. For an in-process backend, reopening in {@link #newStore()} may be the whole restart
   * (this method then does nothing or checks files); for etcd, stop and start the process(es) on the same data
   * directory.
   */
  protected abstract void restartBackend() throws Exception;

  @BeforeEach
  void openStoreAndPrefix() throws Exception {
    store = newStore();
    prefix = "/contract/" + UUID.randomUUID() + "/";
  }

  @AfterEach
  void closeStore() {
    watches.forEach(KvWatch::close);
    if (store != null) {
      store.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // helpers

  protected String k(String name) {
    return prefix + name;
  }

  protected static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  protected static String s(byte[] b) {
    return new String(b, UTF_8);
  }

  protected static <T> T get(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      KvException kv = KvException.unwrap(e);
      if (kv != null) { // rethrown with this thread's stack, the backend's as the cause
        throw new KvException(kv.code(), kv.getMessage(), kv.revision(), kv);
      }
      throw new AssertionError("stage failed with a non-KvException", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT, e);
    }
  }

  /** The KvException a stage fails with; fails the test if it succeeds or fails otherwise. */
  protected static KvException failure(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a KvException, got " + value);
    } catch (ExecutionException e) {
      KvException kv = KvException.unwrap(e);
      if (kv == null) {
        throw new AssertionError("stage failed with a non-KvException", e.getCause());
      }
      return kv;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT, e);
    }
  }

  protected long rev() {
    return get(store.currentRevision());
  }

  protected long put(String key, String value) {
    return get(store.put(key, b(value)));
  }

  protected long delete(String key) {
    return get(store.delete(key));
  }

  protected KeyValue read(String key) {
    return get(store.get(key));
  }

  protected RangeResult range(RangeRequest request) {
    return get(store.range(request));
  }

  protected TxnResult txn(List<Compare> compares, List<KvOp> success, List<KvOp> failure) {
    return get(store.txn(new TxnRequest(compares, success, failure)));
  }

  protected static List<String> keys(RangeResult r) {
    return r.kvs().stream().map(KeyValue::key).toList();
  }

  protected List<String> names(RangeResult r) {
    return r.kvs().stream().map(kv -> kv.key().substring(prefix.length())).toList();
  }

  /** Closes the store, restarts the backend and opens a new store on the same data. */
  protected void restart() throws Exception {
    watches.forEach(KvWatch::close);
    watches.clear();
    store.close();
    store = null;
    restartBackend();
    store = newStore();
  }

  protected Recorder watch(WatchRequest request) {
    Recorder recorder = new Recorder();
    watches.add(store.watch(request, recorder));
    recorder.watch = watches.get(watches.size() - 1);
    return recorder;
  }

  protected Recorder watchPrefix(String watchedPrefix, long startRevision) {
    return watch(new WatchRequest(KeyRange.prefix(watchedPrefix), startRevision, true, false));
  }

  /** Records everything a watch delivers, and whether two callbacks ever overlapped. */
  protected static final class Recorder implements KvWatchListener {
    final List<List<KvEvent>> batches = new CopyOnWriteArrayList<>();
    final List<KvEvent> events = new CopyOnWriteArrayList<>();
    final List<Long> progress = new CopyOnWriteArrayList<>();
    final List<KvException> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final AtomicBoolean afterError = new AtomicBoolean();
    KvWatch watch;

    private void enter() {
      if (inFlight.incrementAndGet() != 1) {
        overlapped.set(true);
      }
      if (!errors.isEmpty()) {
        afterError.set(true);
      }
    }

    private void exit() {
      inFlight.decrementAndGet();
    }

    @Override
    public void onEvents(List<KvEvent> batch) {
      enter();
      try {
        assertThat(batch).isNotEmpty();
        batches.add(List.copyOf(batch));
        events.addAll(batch);
      } finally {
        exit();
      }
    }

    @Override
    public void onProgress(long revision) {
      enter();
      try {
        progress.add(revision);
      } finally {
        exit();
      }
    }

    @Override
    public void onError(KvException error) {
      enter();
      try {
        errors.add(error);
      } finally {
        exit();
      }
    }

    List<KvEvent> awaitEvents(int n) {
      await().atMost(WAIT).until(() -> events.size() >= n || !errors.isEmpty());
      assertThat(errors).as("watch errors").isEmpty();
      assertThat(events).hasSize(n);
      return List.copyOf(events);
    }

    void assertWellBehaved() {
      assertThat(overlapped).as("overlapping callbacks").isFalse();
      assertThat(afterError).as("callbacks after onError").isFalse();
    }
  }

  /**
   * Waits for a first progress notification, asking again while waiting: a backend may ignore a request made before
   * the watch is established (etcd answers only watches that have caught up).
   */
  protected static void awaitProgress(Recorder w) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      w.watch.requestProgress();
      return !w.progress.isEmpty();
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // put, get, revisions

  @Nested
  class Revisions {
    @Test
    void putGetAndRevisionsFollowEtcd() {
      long r0 = rev();
      long r1 = put(k("a"), "v1");
      assertThat(r1).isEqualTo(r0 + 1);
      assertThat(rev()).isEqualTo(r1);
      assertThat(read(k("a"))).isEqualTo(new KeyValue(k("a"), b("v1"), r1, r1, 1));

      long r2 = put(k("a"), "v2");
      assertThat(r2).isEqualTo(r1 + 1);
      assertThat(read(k("a"))).isEqualTo(new KeyValue(k("a"), b("v2"), r1, r2, 2));

      long r3 = delete(k("a"));
      assertThat(r3).isEqualTo(r2 + 1);
      assertThat(read(k("a"))).isNull();

      long r4 = put(k("a"), "v3");
      assertThat(r4).isEqualTo(r3 + 1);
      assertThat(read(k("a"))).as("version resets after delete and re-create")
          .isEqualTo(new KeyValue(k("a"), b("v3"), r4, r4, 1));
    }

    @Test
    void missingKeyReadsAsNullWithCurrentHeaderRevision() {
      long r1 = put(k("other"), "x");
      RangeResult r = range(RangeRequest.key(k("missing")));
      assertThat(r.kvs()).isEmpty();
      assertThat(r.count()).isZero();
      assertThat(r.more()).isFalse();
      assertThat(r.headerRevision()).isEqualTo(r1);
    }

    @Test
    void severalPutsInOneTxnShareOneRevision() {
      long r0 = rev();
      TxnResult t = txn(List.of(), List.of(KvOp.put(k("a"), b("1")), KvOp.put(k("b"), b("2")),
          KvOp.put(k("c"), b("3"))), List.of());
      assertThat(t.succeeded()).isTrue();
      assertThat(t.revision()).isEqualTo(r0 + 1);
      assertThat(rev()).isEqualTo(r0 + 1);
      assertThat(range(RangeRequest.prefix(prefix)).kvs())
          .extracting(KeyValue::modRevision, KeyValue::createRevision, KeyValue::version)
          .containsOnly(org.assertj.core.groups.Tuple.tuple(r0 + 1, r0 + 1, 1L));
    }

    @Test
    void putAndDeleteInOneTxnShareOneRevision() {
      long r1 = put(k("a"), "1");
      TxnResult t = txn(List.of(), List.of(KvOp.delete(k("a")), KvOp.put(k("b"), b("2"))), List.of());
      assertThat(t.revision()).isEqualTo(r1 + 1);
      assertThat(read(k("a"))).isNull();
      assertThat(read(k("b")).modRevision()).isEqualTo(r1 + 1);
    }

    @Test
    void readOnlyTxnDoesNotBumpRevision() {
      long r1 = put(k("a"), "1");
      TxnResult t = txn(List.of(Compare.modRevisionIs(k("a"), r1)), List.of(KvOp.get(k("a"))), List.of());
      assertThat(t.succeeded()).isTrue();
      assertThat(t.revision()).isEqualTo(r1);
      assertThat(t.range(0).first().value()).isEqualTo(b("1"));
      assertThat(rev()).isEqualTo(r1);
    }

    @Test
    void failedCompareWithReadOnlyFailureBranchDoesNotBumpRevision() {
      long r1 = put(k("a"), "1");
      TxnResult t = txn(List.of(Compare.absent(k("a"))), List.of(KvOp.put(k("a"), b("2"))),
          List.of(KvOp.get(k("a"))));
      assertThat(t.succeeded()).isFalse();
      assertThat(t.revision()).isEqualTo(r1);
      assertThat(t.range(0).first()).isEqualTo(new KeyValue(k("a"), b("1"), r1, r1, 1));
      assertThat(rev()).isEqualTo(r1);
      assertThat(read(k("a")).value()).isEqualTo(b("1"));
    }

    @Test
    void deletingAbsentKeysDoesNotBumpRevision() {
      long r1 = put(k("a"), "1");
      assertThat(delete(k("absent"))).isEqualTo(r1);
      TxnResult t = txn(List.of(), List.of(new KvOp.Delete(KeyRange.prefix(k("none/")), true)), List.of());
      assertThat(t.revision()).isEqualTo(r1);
      assertThat(((DeleteResult) t.results().get(0)).deleted()).isZero();
      assertThat(rev()).isEqualTo(r1);
    }

    @Test
    void emptyValueIsAValue() {
      long r1 = put(k("empty"), "");
      assertThat(read(k("empty"))).isEqualTo(new KeyValue(k("empty"), new byte[0], r1, r1, 1));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // ordering, limits, keys-only, count-only

  @Nested
  class Ordering {
    /** Keys whose UTF-8 byte order differs from Java's UTF-16 String order, in UTF-8 byte order. */
    private final List<String> sorted = List.of("a", "a-b", "a/b", "z", "\u00e9", "\uFFFD", "\uD83D\uDE00");

    private void writeShuffled() {
      List<String> shuffled = new ArrayList<>(sorted);
      Collections.reverse(shuffled);
      Collections.swap(shuffled, 0, 3);
      for (String n : shuffled) {
        put(k(n), "v-" + n);
      }
    }

    @Test
    void rangeReturnsKeysInUtf8ByteOrder() {
      writeShuffled();
      RangeResult r = range(RangeRequest.prefix(prefix));
      assertThat(names(r)).containsExactlyElementsOf(sorted);
      assertThat(r.count()).isEqualTo(sorted.size());
      assertThat(r.more()).isFalse();
      assertThat(r.kvs()).allSatisfy(kv -> assertThat(s(kv.value())).isEqualTo("v-" + kv.key().substring(prefix.length())));
    }

    @Test
    void rangeInDescendingOrder() {
      writeShuffled();
      List<String> expected = new ArrayList<>(sorted);
      Collections.reverse(expected);
      assertThat(names(range(RangeRequest.prefix(prefix).inDescendingOrder()))).containsExactlyElementsOf(expected);
    }

    static Stream<Arguments> limits() {
      return Stream.of(
          Arguments.of(named("limit 3 ascending", 3L), false, List.of("a", "a-b", "a/b"), true),
          Arguments.of(named("limit 3 descending", 3L), true, List.of("\uD83D\uDE00", "\uFFFD", "\u00e9"), true),
          Arguments.of(named("limit = size", 7L), false,
              List.of("a", "a-b", "a/b", "z", "\u00e9", "\uFFFD", "\uD83D\uDE00"), false),
          Arguments.of(named("limit above size", 100L), true,
              List.of("\uD83D\uDE00", "\uFFFD", "\u00e9", "z", "a/b", "a-b", "a"), false),
          Arguments.of(named("limit 1", 1L), false, List.of("a"), true));
    }

    @ParameterizedTest(name = "{0}, descending={1}")
    @MethodSource("limits")
    void limitReportsMoreAndTotalCount(long limit, boolean descending, List<String> expected, boolean more) {
      writeShuffled();
      RangeRequest req = RangeRequest.prefix(prefix).withLimit(limit);
      RangeResult r = range(descending ? req.inDescendingOrder() : req);
      assertThat(names(r)).containsExactlyElementsOf(expected);
      assertThat(r.more()).isEqualTo(more);
      assertThat(r.count()).isEqualTo(sorted.size());
    }

    @Test
    void keysOnlyReturnsEmptyValuesWithRevisions() {
      long r1 = put(k("a"), "1");
      long r2 = put(k("a"), "2");
      long r3 = put(k("b"), "3");
      RangeResult r = range(RangeRequest.prefix(prefix).withKeysOnly());
      assertThat(r.kvs()).containsExactly(
          new KeyValue(k("a"), new byte[0], r1, r2, 2), new KeyValue(k("b"), new byte[0], r3, r3, 1));
      assertThat(r.count()).isEqualTo(2);
    }

    @Test
    void modifiedSinceReturnsOnlyKeysChangedAtOrAfterTheRevision() {
      long r1 = put(k("a"), "1");
      long r2 = put(k("b"), "2");
      long r3 = put(k("a"), "3");
      RangeResult r = range(RangeRequest.prefix(prefix).withKeysOnly().modifiedSince(r2));
      assertThat(r.kvs()).extracting(KeyValue::key).containsExactly(k("a"), k("b"));
      assertThat(range(RangeRequest.prefix(prefix).modifiedSince(r3 + 1)).kvs()).isEmpty();
      RangeResult old = range(RangeRequest.prefix(prefix).atRevision(r2).modifiedSince(r2));
      assertThat(old.kvs()).extracting(KeyValue::key).containsExactly(k("b"));
      assertThat(old.more()).isFalse();
      assertThat(r1).isLessThan(r2);
    }

    @Test
    void countOnlyReturnsCountWithoutKeyValues() {
      writeShuffled();
      RangeResult r = range(RangeRequest.prefix(prefix).withCountOnly());
      assertThat(r.kvs()).isEmpty();
      assertThat(r.count()).isEqualTo(sorted.size());
      RangeResult limited = range(RangeRequest.prefix(prefix).withCountOnly().withLimit(2));
      assertThat(limited.kvs()).isEmpty();
      assertThat(limited.count()).isEqualTo(sorted.size());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // prefixes and key ranges

  @Nested
  class Ranges {
    private final List<String> all = List.of("a/foo", "a/foo/", "a/foo/x", "a/foo/y", "a/foo/z", "a/foo0",
        "a/foobar/x", "a/fop", "b");

    @BeforeEach
    void writeKeys() {
      for (String n : all) {
        put(k(n), n);
      }
    }

    static Stream<Arguments> ranges() {
      return Stream.of(
          Arguments.of(named("prefix ending in / never matches a longer name",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/foo/")),
              List.of("a/foo/", "a/foo/x", "a/foo/y", "a/foo/z")),
          Arguments.of(named("prefix without / matches longer names",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/foo")),
              List.of("a/foo", "a/foo/", "a/foo/x", "a/foo/y", "a/foo/z", "a/foo0", "a/foobar/x")),
          Arguments.of(named("prefix from a key inside it",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/foo/").from(p + "a/foo/y")),
              List.of("a/foo/y", "a/foo/z")),
          Arguments.of(named("prefix from just after a key (continue token)",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/foo/").from(p + "a/foo/x\u0000")),
              List.of("a/foo/y", "a/foo/z")),
          Arguments.of(named("prefix from a key past its end",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/foo/").from(p + "a/foo0")),
              List.of()),
          Arguments.of(named("prefix until a key",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/foo/").until(p + "a/foo/z")),
              List.of("a/foo/", "a/foo/x", "a/foo/y")),
          Arguments.of(named("prefix from and until",
                  (Function<String, KeyRange>) p -> KeyRange.prefix(p + "a/").from(p + "a/foo/x").until(p + "a/foo0")),
              List.of("a/foo/x", "a/foo/y", "a/foo/z")),
          Arguments.of(named("between, end exclusive",
                  (Function<String, KeyRange>) p -> KeyRange.between(p + "a/foo/", p + "a/fop")),
              List.of("a/foo/", "a/foo/x", "a/foo/y", "a/foo/z", "a/foo0", "a/foobar/x")),
          Arguments.of(named("between an empty interval",
                  (Function<String, KeyRange>) p -> KeyRange.between(p + "a/foo/q", p + "a/foo/r")),
              List.of()),
          Arguments.of(named("single key",
                  (Function<String, KeyRange>) p -> KeyRange.single(p + "a/foo")),
              List.of("a/foo")),
          Arguments.of(named("single missing key",
                  (Function<String, KeyRange>) p -> KeyRange.single(p + "a/fo")),
              List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ranges")
    void rangeSelectsExactlyTheKeysInIt(Function<String, KeyRange> range, List<String> expected) {
      RangeResult r = range(RangeRequest.of(range.apply(prefix)));
      assertThat(names(r)).containsExactlyElementsOf(expected);
      assertThat(r.count()).isEqualTo(expected.size());
      RangeResult desc = range(RangeRequest.of(range.apply(prefix)).inDescendingOrder());
      List<String> reversed = new ArrayList<>(expected);
      Collections.reverse(reversed);
      assertThat(names(desc)).containsExactlyElementsOf(reversed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ranges")
    void deleteRemovesExactlyTheKeysInTheRange(Function<String, KeyRange> range, List<String> expected) {
      long before = rev();
      TxnResult t = txn(List.of(), List.of(new KvOp.Delete(range.apply(prefix), false)), List.of());
      assertThat(((DeleteResult) t.results().get(0)).deleted()).isEqualTo(expected.size());
      assertThat(t.revision()).isEqualTo(expected.isEmpty() ? before : before + 1);
      List<String> left = new ArrayList<>(all);
      left.removeAll(expected);
      assertThat(names(range(RangeRequest.prefix(prefix)))).containsExactlyElementsOf(left);
    }

    @Test
    void emptyPrefixIsTheWholeKeySpace() {
      RangeResult whole = range(RangeRequest.prefix("").withCountOnly());
      assertThat(whole.count()).isGreaterThanOrEqualTo(all.size());
      RangeResult mine = range(RangeRequest.of(KeyRange.prefix("").from(prefix)).withLimit(all.size()));
      assertThat(names(mine)).containsExactlyElementsOf(all);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // reads at a revision

  @Nested
  class History {
    @Test
    void everyHistoricalStateIsReproducedExactly() {
      Map<Long, RangeResult> states = new LinkedHashMap<>();
      long r0 = rev();
      if (r0 > 0) { // revision 0 would mean "latest"
        states.put(r0, range(RangeRequest.prefix(prefix)));
      }
      List<Runnable> writes = List.of(
          () -> put(k("a"), "a1"),
          () -> put(k("b"), "b1"),
          () -> put(k("a"), "a2"),
          () -> delete(k("b")),
          () -> txn(List.of(), List.of(KvOp.put(k("c"), b("c1")), KvOp.put(k("d"), b("d1"))), List.of()),
          () -> put(k("b"), "b2"),
          () -> txn(List.of(), List.of(new KvOp.Delete(KeyRange.prefix(prefix), false)), List.of()),
          () -> put(k("a"), "a3"));
      for (Runnable w : writes) {
        w.run();
        states.put(rev(), range(RangeRequest.prefix(prefix)));
      }
      long current = rev();
      assertThat(current).isEqualTo(r0 + writes.size());
      for (Map.Entry<Long, RangeResult> e : states.entrySet()) {
        RangeResult then = e.getValue();
        RangeResult now = range(RangeRequest.prefix(prefix).atRevision(e.getKey()));
        assertThat(now.kvs()).as("state at %d", e.getKey()).containsExactlyElementsOf(then.kvs());
        assertThat(now.count()).isEqualTo(then.count());
        assertThat(now.headerRevision()).as("header of an old read is the current revision").isEqualTo(current);
        RangeResult counted = range(RangeRequest.prefix(prefix).atRevision(e.getKey()).withCountOnly());
        assertThat(counted.count()).isEqualTo(then.count());
        RangeResult desc = range(RangeRequest.prefix(prefix).atRevision(e.getKey()).inDescendingOrder().withLimit(1));
        if (then.kvs().isEmpty()) {
          assertThat(desc.kvs()).isEmpty();
        } else {
          assertThat(desc.kvs()).containsExactly(then.kvs().get(then.kvs().size() - 1));
          assertThat(desc.more()).isEqualTo(then.kvs().size() > 1);
        }
      }
      // b: created at r0+2, deleted at r0+4, re-created at r0+6, deleted at r0+7
      assertThat(range(RangeRequest.key(k("b")).atRevision(r0 + 3)).first())
          .isEqualTo(new KeyValue(k("b"), b("b1"), r0 + 2, r0 + 2, 1));
      assertThat(range(RangeRequest.key(k("b")).atRevision(r0 + 4)).kvs()).isEmpty();
      assertThat(range(RangeRequest.key(k("b")).atRevision(r0 + 6)).first())
          .isEqualTo(new KeyValue(k("b"), b("b2"), r0 + 6, r0 + 6, 1));
      assertThat(range(RangeRequest.key(k("b")).atRevision(current)).kvs()).isEmpty();
      assertThat(range(RangeRequest.key(k("a")).atRevision(r0 + 1)).first())
          .isEqualTo(new KeyValue(k("a"), b("a1"), r0 + 1, r0 + 1, 1));
      assertThat(read(k("a"))).isEqualTo(new KeyValue(k("a"), b("a3"), current, current, 1));
    }

    @Test
    void readAtFutureRevisionFails() {
      long r1 = put(k("a"), "1");
      KvException e = failure(store.range(RangeRequest.key(k("a")).atRevision(r1 + 1)));
      assertThat(e.code()).isEqualTo(KvErrorCode.FUTURE_REVISION);
      assertThat(e.revision()).isIn(0L, r1);
      assertThat(range(RangeRequest.key(k("a")).atRevision(r1)).first().value()).isEqualTo(b("1"));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // transactions

  @Nested
  class Transactions {
    static Stream<Arguments> compares() {
      List<Arguments> cases = new ArrayList<>();
      for (Target target : Target.values()) {
        cases.add(Arguments.of(target, Op.EQUAL, 0L, true));
        cases.add(Arguments.of(target, Op.EQUAL, 1L, false));
        cases.add(Arguments.of(target, Op.EQUAL, -1L, false));
        cases.add(Arguments.of(target, Op.NOT_EQUAL, 0L, false));
        cases.add(Arguments.of(target, Op.NOT_EQUAL, 1L, true));
        cases.add(Arguments.of(target, Op.LESS, 1L, true));
        cases.add(Arguments.of(target, Op.LESS, 0L, false));
        cases.add(Arguments.of(target, Op.LESS, -1L, false));
        cases.add(Arguments.of(target, Op.GREATER, -1L, true));
        cases.add(Arguments.of(target, Op.GREATER, 0L, false));
        cases.add(Arguments.of(target, Op.GREATER, 1L, false));
      }
      return cases.stream();
    }

    /** The key has create revision r1, mod revision r1 + 2 and version 3; the constant is actual + delta. */
    @ParameterizedTest(name = "{0} {1} actual+({2}) -> {3}")
    @MethodSource("compares")
    void compareOnExistingKey(Target target, Op op, long delta, boolean expected) {
      long r1 = put(k("a"), "1");
      put(k("a"), "2");
      long r3 = put(k("a"), "3");
      long actual = switch (target) {
        case CREATE_REVISION -> r1;
        case MOD_REVISION -> r3;
        case VERSION -> 3;
      };
      TxnResult t = txn(List.of(new Compare(k("a"), target, op, actual + delta)),
          List.of(KvOp.put(k("a"), b("then"))), List.of(KvOp.put(k("a"), b("else"))));
      assertThat(t.succeeded()).isEqualTo(expected);
      assertThat(t.revision()).isEqualTo(r3 + 1);
      assertThat(s(read(k("a")).value())).isEqualTo(expected ? "then" : "else");
    }

    static Stream<Arguments> missingCompares() {
      List<Arguments> cases = new ArrayList<>();
      for (Target target : Target.values()) {
        cases.add(Arguments.of(target, Op.EQUAL, 0L, true));
        cases.add(Arguments.of(target, Op.NOT_EQUAL, 0L, false));
        cases.add(Arguments.of(target, Op.GREATER, 0L, false));
        cases.add(Arguments.of(target, Op.LESS, 1L, true));
        cases.add(Arguments.of(target, Op.EQUAL, 1L, false));
      }
      return cases.stream();
    }

    @ParameterizedTest(name = "missing {0} {1} {2} -> {3}")
    @MethodSource("missingCompares")
    void missingKeyComparesAsZero(Target target, Op op, long value, boolean expected) {
      long r0 = put(k("other"), "x");
      TxnResult t = txn(List.of(new Compare(k("missing"), target, op, value)), List.of(KvOp.get(k("other"))),
          List.of());
      assertThat(t.succeeded()).isEqualTo(expected);
      assertThat(t.revision()).isEqualTo(r0);
      assertThat(t.results()).hasSize(expected ? 1 : 0);
    }

    @Test
    void deletedKeyComparesAsMissing() {
      put(k("a"), "1");
      delete(k("a"));
      TxnResult t = txn(List.of(Compare.absent(k("a")), Compare.versionIs(k("a"), 0),
          Compare.createRevisionIs(k("a"), 0)), List.of(KvOp.put(k("a"), b("2"))), List.of());
      assertThat(t.succeeded()).isTrue();
      assertThat(read(k("a")).version()).isEqualTo(1);
    }

    @Test
    void allComparesMustHold() {
      long r1 = put(k("a"), "1");
      TxnResult t = txn(List.of(Compare.modRevisionIs(k("a"), r1), Compare.absent(k("a"))),
          List.of(KvOp.put(k("b"), b("x"))), List.of());
      assertThat(t.succeeded()).isFalse();
      assertThat(t.results()).isEmpty();
      assertThat(read(k("b"))).isNull();
      assertThat(rev()).isEqualTo(r1);
    }

    @Test
    void createIfAbsentRunsSuccessThenFailureBranch() {
      List<Compare> ifAbsent = List.of(Compare.absent(k("a")));
      List<KvOp> create = List.of(KvOp.put(k("a"), b("first")));
      List<KvOp> readBack = List.of(KvOp.get(k("a")));
      TxnResult first = txn(ifAbsent, create, readBack);
      assertThat(first.succeeded()).isTrue();
      assertThat(first.results()).singleElement().isInstanceOf(PutResult.class);
      TxnResult second = txn(ifAbsent, List.of(KvOp.put(k("a"), b("second"))), readBack);
      assertThat(second.succeeded()).isFalse();
      assertThat(second.revision()).isEqualTo(first.revision());
      assertThat(second.range(0).first()).isEqualTo(
          new KeyValue(k("a"), b("first"), first.revision(), first.revision(), 1));
    }

    @Test
    void failureBranchMayWrite() {
      long r1 = put(k("a"), "1");
      TxnResult t = txn(List.of(Compare.absent(k("a"))), List.of(KvOp.put(k("a"), b("x"))),
          List.of(KvOp.put(k("b"), b("else"))));
      assertThat(t.succeeded()).isFalse();
      assertThat(t.revision()).isEqualTo(r1 + 1);
      assertThat(read(k("b")).modRevision()).isEqualTo(r1 + 1);
      assertThat(s(read(k("a")).value())).isEqualTo("1");
    }

    @Test
    void putReturnsPreviousValueWhenAsked() {
      long r1 = put(k("a"), "1");
      TxnResult t = txn(List.of(), List.of(new KvOp.Put(k("a"), b("2"), true), new KvOp.Put(k("new"), b("n"), true),
          new KvOp.Put(k("b"), b("3"), false)), List.of());
      assertThat(t.results()).containsExactly(new PutResult(new KeyValue(k("a"), b("1"), r1, r1, 1)),
          new PutResult(null), new PutResult(null));
    }

    @Test
    void deleteReturnsCountAndPreviousValuesWhenAsked() {
      long r1 = put(k("d/1"), "1");
      long r2 = put(k("d/2"), "2");
      long r3 = put(k("d/2"), "22");
      put(k("e"), "keep");
      TxnResult withPrev = txn(List.of(), List.of(new KvOp.Delete(KeyRange.prefix(k("d/")), true)), List.of());
      DeleteResult d = (DeleteResult) withPrev.results().get(0);
      assertThat(d.deleted()).isEqualTo(2);
      assertThat(d.prevKvs()).containsExactly(new KeyValue(k("d/1"), b("1"), r1, r1, 1),
          new KeyValue(k("d/2"), b("22"), r2, r3, 2));
      put(k("f"), "x");
      TxnResult noPrev = txn(List.of(), List.of(KvOp.delete(k("f"))), List.of());
      DeleteResult d2 = (DeleteResult) noPrev.results().get(0);
      assertThat(d2.deleted()).isEqualTo(1);
      assertThat(d2.prevKvs()).isEmpty();
      assertThat(names(range(RangeRequest.prefix(prefix)))).containsExactly("e");
    }

    @Test
    void rangeInsideTxnSeesEarlierOpsOfItsBranch() {
      long r1 = put(k("a"), "1");
      put(k("b"), "b");
      TxnResult t = txn(List.of(Compare.modRevisionIs(k("a"), r1)),
          List.of(KvOp.get(k("a")), KvOp.put(k("a"), b("2")), KvOp.get(k("a")), KvOp.delete(k("b")),
              new KvOp.Range(RangeRequest.prefix(prefix).withCountOnly())),
          List.of());
      long r3 = t.revision();
      assertThat(r3).isEqualTo(r1 + 2);
      assertThat(t.range(0).first()).isEqualTo(new KeyValue(k("a"), b("1"), r1, r1, 1));
      assertThat(t.range(2).first()).isEqualTo(new KeyValue(k("a"), b("2"), r1, r3, 2));
      assertThat(t.range(4).count()).isEqualTo(1);
    }

    static Stream<Arguments> duplicateWrites() {
      return Stream.of(
          Arguments.of(named("put twice", (Function<String, List<KvOp>>) p -> List.of(
              KvOp.put(p + "a", b("1")), KvOp.put(p + "a", b("2"))))),
          Arguments.of(named("put then delete", (Function<String, List<KvOp>>) p -> List.of(
              KvOp.put(p + "a", b("1")), KvOp.delete(p + "a")))),
          Arguments.of(named("delete then put", (Function<String, List<KvOp>>) p -> List.of(
              KvOp.delete(p + "a"), KvOp.put(p + "a", b("1"))))),
          Arguments.of(named("put inside a deleted prefix", (Function<String, List<KvOp>>) p -> List.of(
              new KvOp.Delete(KeyRange.prefix(p), false), KvOp.put(p + "a", b("1"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicateWrites")
    void keyWrittenTwiceInOneBranchIsInvalid(Function<String, List<KvOp>> ops) {
      long r1 = put(k("a"), "0");
      KvException e = failure(store.txn(TxnRequest.when(List.of(), ops.apply(prefix))));
      assertThat(e.code()).isEqualTo(KvErrorCode.INVALID_ARGUMENT);
      assertThat(rev()).isEqualTo(r1);
      assertThat(read(k("a"))).isEqualTo(new KeyValue(k("a"), b("0"), r1, r1, 1));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // compaction

  @Nested
  class Compaction {
    @Test
    void readsBelowCompactedRevisionFailAndAtOrAboveAreExact() {
      Map<Long, RangeResult> states = new LinkedHashMap<>();
      put(k("a"), "a1");
      put(k("b"), "b1");
      put(k("a"), "a2");
      long mid = delete(k("b"));
      states.put(mid, range(RangeRequest.prefix(prefix)));
      put(k("c"), "c1");
      states.put(rev(), range(RangeRequest.prefix(prefix)));
      put(k("a"), "a3");
      states.put(rev(), range(RangeRequest.prefix(prefix)));

      assertThat(get(store.compact(mid))).isEqualTo(mid);

      KvException e = failure(store.range(RangeRequest.prefix(prefix).atRevision(mid - 1)));
      assertThat(e.code()).isEqualTo(KvErrorCode.COMPACTED);
      assertThat(e.revision()).as("the compacted revision, or 0 if the backend cannot tell").isIn(0L, mid);
      for (Map.Entry<Long, RangeResult> s : states.entrySet()) {
        RangeResult now = range(RangeRequest.prefix(prefix).atRevision(s.getKey()));
        assertThat(now.kvs()).as("state at %d", s.getKey()).containsExactlyElementsOf(s.getValue().kvs());
        assertThat(now.count()).isEqualTo(s.getValue().count());
      }
      assertThat(read(k("a")).version()).isEqualTo(3);
      long next = put(k("a"), "a4");
      assertThat(read(k("a"))).isEqualTo(new KeyValue(k("a"), b("a4"), mid - 3, next, 4));
    }

    @Test
    void compactingAgainToSameOrLowerRevisionCompletesNormally() {
      long r1 = put(k("a"), "1");
      long r2 = put(k("a"), "2");
      assertThat(get(store.compact(r2))).isEqualTo(r2);
      get(store.compact(r2));
      get(store.compact(r1));
      assertThat(read(k("a")).value()).isEqualTo(b("2"));
      assertThat(failure(store.range(RangeRequest.key(k("a")).atRevision(r1))).code())
          .isEqualTo(KvErrorCode.COMPACTED);
    }

    @Test
    void compactingBeyondCurrentRevisionFails() {
      long r1 = put(k("a"), "1");
      KvException e = failure(store.compact(r1 + 1));
      assertThat(e.code()).isEqualTo(KvErrorCode.FUTURE_REVISION);
      assertThat(read(k("a")).value()).isEqualTo(b("1"));
    }

    @Test
    void compactionKeepsTheLatestVersionOfEveryKeyAndDropsDeletedOnes() {
      long r1 = put(k("old"), "o");
      put(k("gone"), "g");
      long r3 = delete(k("gone"));
      put(k("x"), "1");
      long r5 = put(k("x"), "2");
      get(store.compact(r5));
      assertThat(range(RangeRequest.prefix(prefix).atRevision(r5)).kvs()).containsExactly(
          new KeyValue(k("old"), b("o"), r1, r1, 1), new KeyValue(k("x"), b("2"), r3 + 1, r5, 2));
      assertThat(range(RangeRequest.prefix(prefix).withCountOnly()).count()).isEqualTo(2);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // watch

  @Nested
  class Watch {
    @Test
    void watchFromNextRevisionSeesPutsAndDeletes() {
      long r0 = put(k("seed"), "s");
      Recorder w = watchPrefix(prefix, r0 + 1);
      long r1 = put(k("a"), "1");
      long r2 = put(k("a"), "2");
      long r3 = delete(k("a"));
      List<KvEvent> events = w.awaitEvents(3);
      assertThat(events).containsExactly(
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("a"), b("1"), r1, r1, 1), null),
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("a"), b("2"), r1, r2, 2),
              new KeyValue(k("a"), b("1"), r1, r1, 1)),
          new KvEvent(KvEvent.Type.DELETE, new KeyValue(k("a"), new byte[0], 0, r3, 0),
              new KeyValue(k("a"), b("2"), r1, r2, 2)));
      assertThat(events.get(2).revision()).isEqualTo(r3);
      w.assertWellBehaved();
    }

    @Test
    void watchFromZeroStartsAfterTheCurrentRevision() {
      put(k("before"), "b");
      Recorder w = watch(new WatchRequest(KeyRange.prefix(prefix), 0, false, false));
      awaitProgress(w);
      long r = put(k("after"), "a");
      List<KvEvent> events = w.awaitEvents(1);
      assertThat(events.get(0).kv()).isEqualTo(new KeyValue(k("after"), b("a"), r, r, 1));
      assertThat(events.get(0).prevKv()).isNull();
      w.assertWellBehaved();
    }

    @Test
    void watchFromOldRevisionReplaysHistoryThenGoesLive() {
      long r1 = put(k("a"), "1");
      long r2 = put(k("a"), "2");
      long r3 = put(k("b"), "b");
      long r4 = delete(k("a"));
      put(k("outside"), "o");
      long r6 = txn(List.of(), List.of(KvOp.put(k("a"), b("3")), KvOp.put(k("b"), b("bb"))), List.of()).revision();
      Recorder w = watch(new WatchRequest(KeyRange.prefix(k("")).until(k("c")), r1, true, false));
      List<KvEvent> replayed = w.awaitEvents(6);
      assertThat(replayed).containsExactly(
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("a"), b("1"), r1, r1, 1), null),
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("a"), b("2"), r1, r2, 2),
              new KeyValue(k("a"), b("1"), r1, r1, 1)),
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("b"), b("b"), r3, r3, 1), null),
          new KvEvent(KvEvent.Type.DELETE, new KeyValue(k("a"), new byte[0], 0, r4, 0),
              new KeyValue(k("a"), b("2"), r1, r2, 2)),
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("a"), b("3"), r6, r6, 1), null),
          new KvEvent(KvEvent.Type.PUT, new KeyValue(k("b"), b("bb"), r3, r6, 2),
              new KeyValue(k("b"), b("b"), r3, r3, 1)));
      long r7 = put(k("b"), "live");
      List<KvEvent> all = w.awaitEvents(7);
      assertThat(all.get(6).kv()).isEqualTo(new KeyValue(k("b"), b("live"), r3, r7, 3));
      w.assertWellBehaved();
    }

    @Test
    void watchWithoutPrevKvHasNoPreviousState() {
      long r1 = put(k("a"), "1");
      delete(k("a"));
      Recorder w = watch(new WatchRequest(KeyRange.single(k("a")), r1, false, false));
      List<KvEvent> events = w.awaitEvents(2);
      assertThat(events).extracting(KvEvent::type).containsExactly(KvEvent.Type.PUT, KvEvent.Type.DELETE);
      assertThat(events).extracting(KvEvent::prevKv).containsOnlyNulls();
      w.assertWellBehaved();
    }

    @Test
    void watchSeesOnlyItsRange() {
      long r0 = rev();
      Recorder foo = watchPrefix(k("a/foo/"), r0 + 1);
      Recorder single = watch(new WatchRequest(KeyRange.single(k("a/foo")), r0 + 1, true, false));
      put(k("a/foobar/x"), "no");
      put(k("a/foo"), "single");
      put(k("a/fo"), "no");
      put(k("a/foo/x"), "yes");
      put(k("b"), "no");
      long last = put(k("a/foo/y"), "yes");
      List<KvEvent> events = foo.awaitEvents(2);
      assertThat(events).extracting(e -> e.kv().key()).containsExactly(k("a/foo/x"), k("a/foo/y"));
      assertThat(events.get(1).revision()).isEqualTo(last);
      assertThat(single.awaitEvents(1)).extracting(e -> s(e.kv().value())).containsExactly("single");
      // a later event proves the watches have seen everything up to it
      put(k("a/foo/z"), "yes");
      put(k("a/foo"), "single2");
      foo.awaitEvents(3);
      single.awaitEvents(2);
      foo.assertWellBehaved();
      single.assertWellBehaved();
    }

    @Test
    void eventsOfOneTxnArriveInOneBatch() {
      long r0 = rev();
      Recorder w = watchPrefix(prefix, r0 + 1);
      for (int i = 0; i < 20; i++) {
        txn(List.of(), List.of(KvOp.put(k("a" + i), b("x")), KvOp.put(k("b" + i), b("y")),
            KvOp.put(k("c" + i), b("z"))), List.of());
      }
      List<KvEvent> events = w.awaitEvents(60);
      assertThat(events).extracting(KvEvent::revision).isSorted();
      Map<Long, Integer> batchOfRevision = new LinkedHashMap<>();
      for (int i = 0; i < w.batches.size(); i++) {
        for (KvEvent e : w.batches.get(i)) {
          Integer previous = batchOfRevision.putIfAbsent(e.revision(), i);
          assertThat(previous == null || previous == i).as("revision %d split across batches", e.revision()).isTrue();
        }
      }
      assertThat(batchOfRevision).hasSize(20);
      // and a late watcher replaying the same history gets the same grouping
      Recorder replay = watchPrefix(prefix, r0 + 1);
      replay.awaitEvents(60);
      assertThat(replay.events).containsExactlyElementsOf(events);
      for (List<KvEvent> batch : replay.batches) {
        Set<Long> revs = new HashSet<>();
        batch.forEach(e -> revs.add(e.revision()));
        for (long r : revs) {
          assertThat(batch.stream().filter(e -> e.revision() == r).count()).isEqualTo(3);
        }
      }
      w.assertWellBehaved();
      replay.assertWellBehaved();
    }

    @Test
    void watchFromCompactedRevisionFailsOnceWithCompacted() {
      long r1 = put(k("a"), "1");
      long r2 = put(k("a"), "2");
      get(store.compact(r2));
      Recorder w = watchPrefix(prefix, r1);
      await().atMost(WAIT).until(() -> !w.errors.isEmpty());
      long r3 = put(k("a"), "3");
      // a second watch seeing r3 proves r3 was published to watchers
      Recorder probe = watchPrefix(prefix, r2);
      probe.awaitEvents(2);
      assertThat(probe.events.get(1).revision()).isEqualTo(r3);
      assertThat(w.errors).singleElement().satisfies(e -> {
        assertThat(e.code()).isEqualTo(KvErrorCode.COMPACTED);
        assertThat(e.revision()).isEqualTo(r2);
      });
      assertThat(w.events).isEmpty();
      w.assertWellBehaved();
      probe.assertWellBehaved();
    }

    @Test
    void closedWatchReceivesNothingMore() {
      long r0 = rev();
      Recorder w = watchPrefix(prefix, r0 + 1);
      put(k("a"), "1");
      w.awaitEvents(1);
      w.watch.close();
      w.watch.close();
      long r2 = put(k("b"), "2");
      Recorder probe = watchPrefix(prefix, r0 + 1);
      assertThat(probe.awaitEvents(2).get(1).revision()).isEqualTo(r2);
      assertThat(w.events).hasSize(1);
      assertThat(w.errors).isEmpty();
      w.assertWellBehaved();
    }

    @Test
    void requestProgressReportsARevisionAtOrAfterTheLastEvent() {
      long r0 = rev();
      Recorder w = watchPrefix(prefix, r0 + 1);
      put(k("a"), "1");
      long r2 = put(k("b"), "2");
      w.awaitEvents(2);
      awaitProgress(w);
      assertThat(w.progress.get(0)).isGreaterThanOrEqualTo(r2);
      long r3 = put(k("c"), "3");
      w.awaitEvents(3);
      int seen = w.progress.size();
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
        w.watch.requestProgress();
        return w.progress.size() > seen;
      });
      assertThat(w.progress.get(w.progress.size() - 1)).isGreaterThanOrEqualTo(r3);
      assertThat(w.progress).isSorted();
      w.assertWellBehaved();
    }

    @Test
    void callbacksOfOneWatchNeverOverlap() throws Exception {
      long r0 = rev();
      AtomicInteger inFlight = new AtomicInteger();
      AtomicBoolean overlapped = new AtomicBoolean();
      List<KvEvent> seen = new CopyOnWriteArrayList<>();
      KvWatchListener slow = new KvWatchListener() {
        private void busy() {
          if (inFlight.incrementAndGet() != 1) {
            overlapped.set(true);
          }
          // widen the window in which an overlapping call would be caught (not a synchronization)
          long until = System.nanoTime() + 200_000;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          inFlight.decrementAndGet();
        }

        @Override
        public void onEvents(List<KvEvent> events) {
          busy();
          seen.addAll(events);
        }

        @Override
        public void onProgress(long revision) {
          busy();
        }

        @Override
        public void onError(KvException error) {
          busy();
        }
      };
      KvWatch w = store.watch(new WatchRequest(KeyRange.prefix(prefix), r0 + 1, true, true), slow);
      watches.add(w);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            for (int i = 0; i < 25; i++) {
              put(k("t" + thread + "/" + i), "v");
              w.requestProgress();
            }
          }));
        }
        for (Future<?> f : futures) {
          f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      await().atMost(WAIT).until(() -> seen.size() >= 100);
      assertThat(seen).hasSize(100);
      assertThat(overlapped).isFalse();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // concurrency

  @Nested
  class Concurrency {
    private static final int THREADS = 8;

    private void runThreads(int threads, java.util.function.IntConsumer body) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          futures.add(pool.submit(() -> body.accept(thread)));
        }
        for (Future<?> f : futures) {
          f.get(90, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void casIncrementsLoseNoUpdate() throws Exception {
      int perThread = 50;
      String key = k("counter");
      put(key, "0");
      AtomicInteger conflicts = new AtomicInteger();
      runThreads(THREADS, thread -> {
        for (int i = 0; i < perThread; i++) {
          for (int attempt = 0; ; attempt++) {
            if (attempt > 10_000) {
              fail("no progress incrementing " + key);
            }
            KeyValue current = read(key);
            long next = Long.parseLong(s(current.value())) + 1;
            TxnResult t = txn(List.of(Compare.modRevisionIs(key, current.modRevision())),
                List.of(KvOp.put(key, b(Long.toString(next)))), List.of());
            if (t.succeeded()) {
              break;
            }
            conflicts.incrementAndGet();
          }
        }
      });
      KeyValue last = read(key);
      assertThat(s(last.value())).isEqualTo(Integer.toString(THREADS * perThread));
      assertThat(last.version()).isEqualTo(THREADS * perThread + 1L);
    }

    @Test
    void everyAcknowledgedWriteIsPresentAndWatchedExactlyOnceInOrder() throws Exception {
      int perThread = 200;
      long r0 = rev();
      Recorder w = watchPrefix(prefix, r0 + 1);
      Map<String, Long> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
      runThreads(THREADS, thread -> {
        for (int i = 0; i < perThread; i++) {
          String key = k("t" + thread + "/" + i);
          acknowledged.put(key, put(key, key));
        }
      });
      int total = THREADS * perThread;
      assertThat(acknowledged).hasSize(total);
      assertThat(new HashSet<>(acknowledged.values())).as("revisions are never shared between txns").hasSize(total);
      assertThat(rev()).isEqualTo(r0 + total);
      RangeResult all = range(RangeRequest.prefix(prefix));
      assertThat(all.count()).isEqualTo(total);
      for (KeyValue kv : all.kvs()) {
        assertThat(s(kv.value())).isEqualTo(kv.key());
        assertThat(kv.modRevision()).isEqualTo(acknowledged.get(kv.key()));
      }
      List<KvEvent> events = w.awaitEvents(total);
      long previous = r0;
      for (KvEvent e : events) {
        assertThat(e.revision()).isGreaterThan(previous);
        previous = e.revision();
        assertThat(acknowledged.get(e.kv().key())).isEqualTo(e.revision());
      }
      assertThat(previous).isEqualTo(r0 + total);
      w.assertWellBehaved();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // durability

  @Nested
  class Durability {
    @Test
    void acknowledgedWritesSurviveARestart() throws Exception {
      Map<String, Long> acknowledged = new LinkedHashMap<>();
      for (int i = 0; i < 20; i++) {
        acknowledged.put(k("k" + i), put(k("k" + i), "v" + i));
      }
      long r1 = put(k("k0"), "v0b");
      long compactTo = delete(k("k1"));
      get(store.compact(compactTo));
      long last = txn(List.of(), List.of(KvOp.put(k("k2"), b("v2b")), KvOp.put(k("k3"), b("v3b"))), List.of())
          .revision();
      RangeResult before = range(RangeRequest.prefix(prefix));
      RangeResult atCompact = range(RangeRequest.prefix(prefix).atRevision(compactTo));

      restart();

      assertThat(rev()).isGreaterThanOrEqualTo(last);
      RangeResult after = range(RangeRequest.prefix(prefix));
      assertThat(after.kvs()).containsExactlyElementsOf(before.kvs());
      assertThat(range(RangeRequest.prefix(prefix).atRevision(compactTo)).kvs())
          .containsExactlyElementsOf(atCompact.kvs());
      assertThat(read(k("k0"))).isEqualTo(new KeyValue(k("k0"), b("v0b"), acknowledged.get(k("k0")), r1, 2));
      assertThat(failure(store.range(RangeRequest.prefix(prefix).atRevision(compactTo - 1))).code())
          .as("compaction survives the restart").isEqualTo(KvErrorCode.COMPACTED);
      long current = rev();
      long next = put(k("k1"), "again");
      assertThat(next).as("the revision counter continues").isEqualTo(current + 1);
      assertThat(read(k("k1"))).isEqualTo(new KeyValue(k("k1"), b("again"), next, next, 1));
    }

    @Test
    void watchFromBeforeTheRestartReplaysAcknowledgedWrites() throws Exception {
      long r0 = rev();
      put(k("a"), "1");
      long r2 = delete(k("a"));
      restart();
      Recorder w = watchPrefix(prefix, r0 + 1);
      List<KvEvent> events = w.awaitEvents(2);
      assertThat(events).extracting(KvEvent::type).containsExactly(KvEvent.Type.PUT, KvEvent.Type.DELETE);
      assertThat(events.get(1).revision()).isEqualTo(r2);
      assertThat(events.get(1).prevKv().value()).isEqualTo(b("1"));
      w.assertWellBehaved();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // request size limit

  @Nested
  class RequestLimit {
    @Test
    void valueAboveTheRequestLimitIsRefusedAndNothingWritten() {
      long r0 = put(k("marker"), "m");
      byte[] big = new byte[2 * 1024 * 1024];
      Arrays.fill(big, (byte) 'x');
      KvException e = failure(store.put(k("big"), big));
      assertThat(e.code()).isEqualTo(KvErrorCode.VALUE_TOO_LARGE);
      assertThat(read(k("big"))).isNull();
      assertThat(rev()).isEqualTo(r0);
    }

    @Test
    void wholeTxnAboveTheRequestLimitIsRefusedAndNothingWritten() {
      long r0 = put(k("marker"), "m");
      byte[] half = new byte[ETCD_DEFAULT_MAX_REQUEST_BYTES / 2 + 1024];
      KvException e = failure(store.txn(TxnRequest.when(List.of(),
          List.of(KvOp.put(k("x"), half), KvOp.put(k("y"), half)))));
      assertThat(e.code()).isEqualTo(KvErrorCode.VALUE_TOO_LARGE);
      assertThat(range(RangeRequest.prefix(prefix)).count()).isEqualTo(1);
      assertThat(rev()).isEqualTo(r0);
    }

    @Test
    void valueWellBelowTheLimitIsAccepted() {
      byte[] value = new byte[1024 * 1024];
      Arrays.fill(value, (byte) 7);
      long r = get(store.put(k("mib"), value));
      assertThat(read(k("mib"))).isEqualTo(new KeyValue(k("mib"), value, r, r, 1));
    }
  }
}
