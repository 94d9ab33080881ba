package io.revisor.storage.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvEvent;
import io.revisor.storage.kv.KvException;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.KvWatch;
import io.revisor.storage.kv.KvWatchListener;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.RangeResult;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.kv.WatchRequest;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.resource.Actor;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.Preconditions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.UpdateFunction;
import io.revisor.storage.testing.ForwardingKvStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates and deletes through the cache start from the cached version of the object: no read of the object while the
 * cache is current, and in every case (a stale cache, preconditions, functions that fail or change nothing) the same
 * outcome and the same stored bytes (history, trash) as the store alone gives. Two backends run the same writes, one
 * through the cache and one without it; a clock that stands still makes their bytes comparable.
 */
class UpdateFromCacheTest {
  private static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  private static final Actor ALICE = new Actor("alice");
  private static final Actor BOB = new Actor("bob");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PREFIX = "/t";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path directory;
  private Side plain;
  private Side cached;
  private WatchCache cache;

  /** One backend and its store; {@link #api} is what the operation under test goes through. */
  private static final class Side {
    final KvStore backend;
    final CountingKv kv;
    final ResourceStore store;
    ResourceStore api;

    Side(Path dir) {
      backend = EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(dir));
      kv = new CountingKv(backend);
      store = ResourceStore.open(kv, ResourceStoreOptions.builder().keyPrefix(PREFIX)
          .clock(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC)).build());
      api = store;
    }

    void close() {
      store.close();
      backend.close();
    }

    /** Every history and trash key, with its value and revisions. */
    List<KeyValue> recorded() {
      List<KeyValue> all = new ArrayList<>(await(backend.range(RangeRequest.prefix(PREFIX + "/history/"))).kvs());
      all.addAll(await(backend.range(RangeRequest.prefix(PREFIX + "/trash/"))).kvs());
      return all;
    }
  }

  @BeforeEach
  void open() throws IOException {
    plain = new Side(java.nio.file.Files.createDirectory(directory.resolve("plain")));
    cached = new Side(java.nio.file.Files.createDirectory(directory.resolve("cached")));
    cache = WatchCache.wrap(cached.store, WatchCacheOptions.defaults());
    cached.api = cache;
  }

  @AfterEach
  void close() {
    cache.close();
    plain.close();
    cached.close();
  }

  // ------------------------------------------------------------------------------------------------ tests

  @Test
  void anUpdateFromACurrentCacheIsOneTransaction() {
    ObjectKey key = DASHBOARDS.key("ns1", "a");
    StoredObject created = both(s -> s.api.create(key, object(key, "v0", null), ALICE)).cached();
    awaitCached(key, created.resourceVersion());

    cached.kv.reset();
    Outcome updated = same(s -> s.api.update(key, Preconditions.resourceVersion(created.resourceVersion()),
        set("v1"), BOB));
    assertThat(updated.rv()).isGreaterThan(created.resourceVersion());
    assertThat(cached.kv.objectReads.get()).as("reads of the object").isZero();
    assertThat(cached.kv.txns.get()).isEqualTo(1);
    assertSameRecords();

    awaitCached(key, updated.rv());
    cached.kv.reset();
    same(s -> s.api.delete(key, Preconditions.NONE, null, ALICE));
    assertThat(cached.kv.objectReads.get()).as("reads of the object").isZero();
    assertThat(cached.kv.txns.get()).isEqualTo(1);
    assertSameRecords();
  }

  @Test
  void aStaleCacheGivesTheStoresResultAndHistory() {
    ObjectKey key = staleAfter("v0", "other");
    List<String> seen = new CopyOnWriteArrayList<>();
    UpdateFunction recording = current -> {
      seen.add(spec(current));
      return set("mine").apply(current);
    };
    Outcome updated = same(s -> s.api.update(key, Preconditions.NONE, recording, BOB));
    assertThat(seen).as("the function ran on the cached version, then on the current one")
        .containsExactly("other", "v0", "other");
    assertThat(updated.json()).contains("\"mine\"");
    assertSameRecords();
    cached.kv.resume();
    awaitCached(key, updated.rv());
  }

  @Test
  void historyIsTheSameWithAndWithoutTheCache() {
    ObjectKey a = DASHBOARDS.key("ns1", "a");
    ObjectKey b = DASHBOARDS.key("ns2", "b");
    same(s -> s.api.create(a, object(a, "a0", null), ALICE));
    same(s -> s.api.create(b, object(b, "b0", "uid-b"), ALICE));
    long last = 0;
    for (int i = 1; i <= 5; i++) {
      String v = "a" + i;
      Actor actor = i % 2 == 0 ? ALICE : BOB;
      last = same(s -> s.api.update(a, Preconditions.NONE, set(v), actor)).rv();
      awaitCached(a, last);
      if (i == 1) {
        cached.kv.reset(); // the cache of the type has started (listed): from now on it holds every version
      }
    }
    assertThat(cached.kv.objectReads.get()).as("updates started from the cache").isZero();
    same(s -> s.api.update(b, Preconditions.uid("uid-b"), set("b1"), BOB));
    same(s -> s.api.update(a, Preconditions.NONE, current -> current.json(), BOB)); // changes nothing
    same(s -> s.api.delete(a, Preconditions.resourceVersion(0), null, BOB));
    same(s -> s.api.create(a, object(a, "again", null), ALICE));
    same(s -> s.api.update(a, Preconditions.NONE, set("again2"), ALICE));
    assertSameRecords();
    assertThat(plain.recorded()).hasSize(8);
  }

  @Test
  void preconditionsAreJudgedOnTheCurrentVersion() {
    ObjectKey key = staleAfter("v0", "other");
    long staleRv = cache.cached(key).resourceVersion();
    long currentRv = await(cached.store.get(key, 0)).resourceVersion();
    assertThat(staleRv).isLessThan(currentRv);

    // Fails on the cached version only: the store's current version passes.
    Outcome passed = same(s -> s.api.update(key, Preconditions.resourceVersion(currentRv), set("x"), BOB));
    assertThat(passed.error()).isNull();
    // Holds on the cached version, fails on the current one: the store's 409.
    Outcome conflict = same(s -> s.api.update(key, Preconditions.resourceVersion(staleRv), set("y"), BOB));
    assertThat(conflict.error()).contains("CONFLICT");
    Outcome wrongUid = same(s -> s.api.update(key, Preconditions.uid("nope"), set("z"), BOB));
    assertThat(wrongUid.error()).contains("CONFLICT").contains("UID");
    Outcome deleteConflict = same(s -> s.api.delete(key, Preconditions.resourceVersion(staleRv), null, BOB));
    assertThat(deleteConflict.error()).contains("CONFLICT");
    assertSameRecords();
  }

  @Test
  void failuresAndNoOpsOnAStaleVersionAreJudgedOnTheCurrentOne() {
    ObjectKey key = staleAfter("v0", "other");
    // Throws on the cached version only.
    Outcome updated = same(s -> s.api.update(key, Preconditions.NONE, current -> {
      if (spec(current).equals("v0")) {
        throw new IllegalStateException("stale");
      }
      return set("fine").apply(current);
    }, BOB));
    assertThat(updated.error()).isNull();
    // Throws on the current version: the caller gets it as the store alone throws it.
    Outcome thrown = same(s -> s.api.update(key, Preconditions.NONE, current -> {
      throw new IllegalArgumentException("always " + spec(current));
    }, BOB));
    assertThat(thrown.error()).isEqualTo("IllegalArgumentException: always fine");
    // Changes nothing on the cached version, something on the current one.
    Outcome noOpOnCached = same(s -> s.api.update(key, Preconditions.NONE, set("v0"), BOB));
    assertThat(noOpOnCached.json()).contains("\"v0\"");
    // Changes nothing on the current version: the current object, not the cached one.
    Outcome noOp = same(s -> s.api.update(key, Preconditions.NONE, current -> current.json(), BOB));
    assertThat(noOp.rv()).isEqualTo(noOpOnCached.rv());
    // A delete whose check fails on the cached version only.
    assertThat(cache.cached(key).resourceVersion()).isLessThan(noOp.rv());
    Outcome deleted = same(s -> s.api.delete(key, Preconditions.NONE, current -> {
      if (current.resourceVersion() < noOp.rv()) {
        throw new IllegalStateException("not the current version");
      }
    }, BOB));
    assertThat(deleted.error()).isNull();
    assertSameRecords();
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * Creates {@code key} with spec {@code first} on both sides, lets the cache hold it, stops the cache's feed, and
   * updates it to {@code second} past the cache (another replica's write): the cache is stale until resumed.
   */
  private ObjectKey staleAfter(String first, String second) {
    ObjectKey key = DASHBOARDS.key("ns1", "stale");
    StoredObject created = both(s -> s.api.create(key, object(key, first, null), ALICE)).cached();
    awaitCached(key, created.resourceVersion());
    cached.kv.pause();
    both(s -> s.store.update(key, Preconditions.NONE, set(second), ALICE));
    return key;
  }

  private void awaitCached(ObjectKey key, long rv) {
    Awaitility.await().atMost(WAIT).until(() -> {
      StoredObject held = cache.cached(key);
      return held != null && held.resourceVersion() >= rv;
    });
  }

  private record Pair(StoredObject plain, StoredObject cached) {}

  private Pair both(Function<Side, CompletionStage<StoredObject>> op) {
    return new Pair(await(op.apply(plain)), await(op.apply(cached)));
  }

  /** A write's outcome: the object's JSON and resourceVersion, or its failure. */
  private record Outcome(String json, long rv, String error) {}

  /** Runs {@code op} on both sides; both outcomes must be the same. */
  private Outcome same(Function<Side, CompletionStage<StoredObject>> op) {
    Outcome expected = outcome(op.apply(plain));
    Outcome actual = outcome(op.apply(cached));
    assertThat(actual).isEqualTo(expected);
    return actual;
  }

  private static Outcome outcome(CompletionStage<StoredObject> stage) {
    try {
      StoredObject o = stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return new Outcome(new String(o.json(), StandardCharsets.UTF_8), o.resourceVersion(), null);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.getCause();
      if (cause instanceof StorageException s) {
        return new Outcome(null, 0, s.code() + " " + s.revision() + " " + s.getMessage());
      }
      return new Outcome(null, 0, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void assertSameRecords() {
    assertThat(cached.recorded()).isEqualTo(plain.recorded());
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] object(ObjectKey key, String spec, String uid) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("apiVersion", "demo.revisor.io/v1").put("kind", "Dashboard");
    ObjectNode metadata = root.putObject("metadata").put("name", key.name()).put("namespace", key.namespace());
    if (uid != null) {
      metadata.put("uid", uid);
    }
    root.putObject("spec").put("title", spec);
    return bytes(root);
  }

  private static UpdateFunction set(String spec) {
    return current -> {
      ObjectNode root = parse(current.json());
      ((ObjectNode) root.get("spec")).put("title", spec);
      return bytes(root);
    };
  }

  private static String spec(StoredObject o) {
    return parse(o.json()).path("spec").path("title").asText();
  }

  private static ObjectNode parse(byte[] json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A client of the backend that counts reads of objects' current keys and transactions, and can hold back what its
   * watches deliver (events and progress, in order) to make a cache fed by them stale.
   */
  private static final class CountingKv extends ForwardingKvStore {
    final AtomicInteger objectReads = new AtomicInteger();
    final AtomicInteger txns = new AtomicInteger();
    private final List<Runnable> held = new ArrayList<>();
    private boolean paused;

    CountingKv(KvStore delegate) {
      super(delegate);
    }

    void reset() {
      objectReads.set(0);
      txns.set(0);
    }

    synchronized void pause() {
      paused = true;
    }

    synchronized void resume() {
      paused = false;
      held.forEach(Runnable::run);
      held.clear();
    }

    private synchronized void deliver(Runnable delivery) {
      if (paused) {
        held.add(delivery);
      } else {
        delivery.run();
      }
    }

    @Override
    public CompletionStage<RangeResult> range(RangeRequest request) {
      if (request.range().start().startsWith(PREFIX + "/registry/")) {
        objectReads.incrementAndGet();
      }
      return super.range(request);
    }

    @Override
    public CompletionStage<TxnResult> txn(TxnRequest request) {
      txns.incrementAndGet();
      return super.txn(request);
    }

    @Override
    public KvWatch watch(WatchRequest request, KvWatchListener listener) {
      return super.watch(request, new KvWatchListener() {
        @Override
        public void onEvents(List<KvEvent> events) {
          deliver(() -> listener.onEvents(events));
        }

        @Override
        public void onProgress(long revision) {
          deliver(() -> listener.onProgress(revision));
        }

        @Override
        public void onError(KvException error) {
          deliver(() -> listener.onError(error));
        }
      });
    }
  }
}
