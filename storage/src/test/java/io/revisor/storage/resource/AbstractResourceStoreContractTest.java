package io.revisor.storage.resource;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.storage.kv.KeyRange;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.RangeRequest;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import io.revisor.storage.resource.WatchEvent.Type;
import io.revisor.storage.selection.FieldSelector;
import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.LabelSelector;
import io.revisor.storage.selection.ObjectPredicate;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract of {@link ResourceStore} (its Javadoc, and the Kubernetes storage semantics of
 * {@code spec/semantics.md} section 5), black-box, run unchanged against every KV backend.
 *
 * <p>One backend serves all tests of a class. Every test opens its store under its own key prefix, so it never sees
 * another test's objects, asserts revisions relative to the ones it observed (the revision counter is shared), and
 * never assumes the backend is empty. Tests of one class run one after the other.
 *
 * <p>Subclasses provide {@link #newKvStore()} (a client to the shared backend) and {@link #restartBackend()}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class AbstractResourceStoreContractTest {
  /** Upper bound of every single call or wait in this suite. */
  protected static final Duration WAIT = Duration.ofSeconds(30);

  protected static final ObjectMapper MAPPER = new ObjectMapper();

  protected static final ResourceType DASHBOARDS = ResourceType.namespaced("demo.revisor.io", "dashboards");
  protected static final ResourceType FOLDERS = ResourceType.namespaced("demo.revisor.io", "folders");
  protected static final ResourceType ORGANIZATIONS = ResourceType.clusterScoped("demo.revisor.io", "organizations");

  protected static final Actor ALICE = new Actor("alice");
  protected static final Actor BOB = new Actor("bob");

  /** The KV client of this test; replaced by {@link #restart()}. */
  protected KvStore kv;

  /** The store under test, on {@link #kv} under {@link #keyPrefix}; replaced by {@link #restart()}. */
  protected ResourceStore store;

  /** This test's own key prefix. */
  protected String keyPrefix;

  private final List<ResourceStore> extraStores = new CopyOnWriteArrayList<>();
  private final List<ResourceWatch> watches = new CopyOnWriteArrayList<>();
  private final List<CountDownLatch> gates = new CopyOnWriteArrayList<>();

  /**
   * A new client to the backend under test. Called before each test and again after {@link #restartBackend()}; the
   * backend may hold keys of earlier tests.
   */
  protected abstract KvStore newKvStore() throws Exception;

  /**
   * Restarts the backend on the same data. Called after the suite closed its store and KV client, before it calls
   * {@link #newKvStore()} again. For an in-process backend, reopening in {@link #newKvStore()} may be the whole
   * restart.
   */
  protected abstract void restartBackend() throws Exception;

  /**
   * The store under test made of a store on the backend: the store itself here; a subclass may put something in
   * front of it that implements the same contract (and closes it when closed).
   */
  protected ResourceStore wrap(ResourceStore store, ResourceStoreOptions options) {
    return store;
  }

  @BeforeEach
  void openStore() throws Exception {
    kv = newKvStore();
    keyPrefix = "/t" + UUID.randomUUID().toString().replace("-", "");
    store = wrap(ResourceStore.open(kv, options().build()), options().build());
  }

  @AfterEach
  void closeStore() {
    gates.forEach(g -> {
      while (g.getCount() > 0) {
        g.countDown();
      }
    });
    watches.forEach(ResourceWatch::close);
    extraStores.forEach(ResourceStore::close);
    if (store != null) {
      store.close();
    }
    if (kv != null) {
      kv.close();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // helpers

  /** This test's options: its key prefix, everything else default. */
  protected ResourceStoreOptions.Builder options() {
    return ResourceStoreOptions.builder().keyPrefix(keyPrefix);
  }

  /** Another store on the same KV client, closed after the test. */
  protected ResourceStore openStore(ResourceStoreOptions options) {
    ResourceStore s = wrap(ResourceStore.open(kv, options), options);
    extraStores.add(s);
    return s;
  }

  /** Closes store and client, restarts the backend, and opens both again on the same data and prefix. */
  protected void restart() throws Exception {
    watches.forEach(ResourceWatch::close);
    watches.clear();
    extraStores.forEach(ResourceStore::close);
    extraStores.clear();
    store.close();
    store = null;
    kv.close();
    kv = null;
    restartBackend();
    kv = newKvStore();
    store = wrap(ResourceStore.open(kv, options().build()), options().build());
  }

  /** The stage's value; a failure is rethrown as the StorageException it carries (anything else fails the test). */
  protected static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof StorageException s) {
        throw new StorageException(s.code(), s.getMessage(), s.revision(), s);
      }
      throw new AssertionError("stage failed with a non-StorageException", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT, e);
    }
  }

  /** The raw failure of a stage (CompletionException/ExecutionException removed); fails if it succeeds. */
  protected static Throwable rawFailure(CompletionStage<?> stage) {
    try {
      Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + WAIT, e);
    }
  }

  /** The StorageException a stage fails with; fails the test if it succeeds or fails otherwise. */
  protected static StorageException failure(CompletionStage<?> stage) {
    Throwable t = rawFailure(stage);
    if (t instanceof StorageException s) {
      return s;
    }
    throw new AssertionError("stage failed with a non-StorageException", t);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  protected static void assertCode(CompletionStage<?> stage, StorageErrorCode code) {
    StorageException e = failure(stage);
    assertThat(e.code()).as("error code of %s", e.getMessage()).isEqualTo(code);
  }

  protected long rev() {
    return await(store.currentRevision());
  }

  protected static String kindOf(ResourceType type) {
    return switch (type.resource()) {
      case "dashboards" -> "Dashboard";
      case "folders" -> "Folder";
      case "organizations" -> "Organization";
      default -> "Thing";
    };
  }

  /** A Kubernetes-style object for {@code key} with the given labels and spec. */
  protected static ObjectNode object(ObjectKey key, Map<String, String> labels, Map<String, ?> spec) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("apiVersion", key.type().group() + "/v1");
    root.put("kind", kindOf(key.type()));
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", key.name());
    if (key.type().namespaced()) {
      metadata.put("namespace", key.namespace());
    }
    metadata.put("uid", UUID.randomUUID().toString());
    if (!labels.isEmpty()) {
      ObjectNode l = metadata.putObject("labels");
      labels.forEach(l::put);
    }
    root.set("spec", MAPPER.valueToTree(spec));
    return root;
  }

  protected static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  protected static ObjectNode json(StoredObject o) {
    return json(o.json());
  }

  protected static ObjectNode json(byte[] bytes) {
    try {
      return (ObjectNode) MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(bytes, 0, Math.min(bytes.length, 200), UTF_8), e);
    }
  }

  /** {@code metadata.resourceVersion} of the returned JSON, checked to agree with {@code o.resourceVersion()}. */
  protected static long rvField(StoredObject o) {
    JsonNode rv = json(o).path("metadata").path("resourceVersion");
    assertThat(rv.isTextual()).as("metadata.resourceVersion is a string in %s", o).isTrue();
    assertThat(rv.asText()).as("metadata.resourceVersion of %s", o).matches("[1-9][0-9]*");
    long value = Long.parseLong(rv.asText());
    assertThat(value).as("metadata.resourceVersion of %s", o).isEqualTo(o.resourceVersion());
    return value;
  }

  /** The object's content without {@code metadata.resourceVersion}. */
  protected static JsonNode content(StoredObject o) {
    return content(json(o));
  }

  protected static JsonNode content(ObjectNode node) {
    ObjectNode copy = node.deepCopy();
    if (copy.get("metadata") instanceof ObjectNode m) {
      m.remove("resourceVersion");
    }
    return copy;
  }

  /** Key, revision and full JSON; equal summaries mean equal objects. */
  protected record Summary(ObjectKey key, long rv, JsonNode json) {}

  protected static Summary summary(StoredObject o) {
    rvField(o);
    return new Summary(o.key(), o.resourceVersion(), json(o));
  }

  protected static List<Summary> summaries(List<StoredObject> objects) {
    return objects.stream().map(AbstractResourceStoreContractTest::summary).toList();
  }

  protected static List<String> names(List<StoredObject> objects) {
    return objects.stream().map(o -> o.key().namespace() + "/" + o.key().name()).toList();
  }

  protected static ObjectKey dash(String namespace, String name) {
    return DASHBOARDS.key(namespace, name);
  }

  protected StoredObject create(ObjectKey key) {
    return create(key, Map.of(), Map.of("n", 0));
  }

  protected StoredObject create(ObjectKey key, Map<String, String> labels, Map<String, ?> spec) {
    StoredObject created = await(store.create(key, bytes(object(key, labels, spec)), ALICE));
    rvField(created);
    return created;
  }

  /** Guaranteed update setting {@code spec.<field>}. */
  protected StoredObject setSpec(ObjectKey key, String field, Object value) {
    return modify(key, node -> {
      ((ObjectNode) node.path("spec")).set(field, MAPPER.valueToTree(value));
      return node;
    });
  }

  protected StoredObject setLabel(ObjectKey key, String label, String value) {
    return modify(key, node -> {
      ObjectNode metadata = (ObjectNode) node.get("metadata");
      ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
      labels.put(label, value);
      return node;
    });
  }

  protected StoredObject modify(ObjectKey key, UnaryOperator<ObjectNode> change) {
    StoredObject updated = await(store.update(key, Preconditions.NONE, current -> bytes(change.apply(json(current))), BOB));
    rvField(updated);
    return updated;
  }

  protected StoredObject delete(ObjectKey key) {
    StoredObject deleted = await(store.delete(key, Preconditions.NONE, null, BOB));
    rvField(deleted);
    return deleted;
  }

  protected StoredObject get(ObjectKey key) {
    return await(store.get(key, 0));
  }

  protected ListResult list(ResourceType type, ListOptions options) {
    return await(store.list(type, options));
  }

  /** Every page of a listing, following continue tokens (at most 10,000 pages). */
  protected List<ListResult> pages(ResourceType type, ListOptions first) {
    List<ListResult> pages = new ArrayList<>();
    ListOptions options = first;
    for (int i = 0; i < 10_000; i++) {
      ListResult page = list(type, options);
      pages.add(page);
      if (page.continueToken() == null) {
        return pages;
      }
      assertThat(page.continueToken()).isNotEmpty();
      options = options.withContinue(page.continueToken());
    }
    throw new AssertionError("more than 10,000 pages");
  }

  protected static List<StoredObject> items(List<ListResult> pages) {
    return pages.stream().flatMap(p -> p.items().stream()).toList();
  }

  protected List<HistoryEntry> history(ObjectKey key) {
    return await(store.history(key, 0, null)).entries();
  }

  protected static ObjectPredicate labelEquals(String label, String value) {
    return LabelSelector.parse(label + "=" + value);
  }

  /** {@code metadata.name=NAME}: a single-object selection ({@link ObjectPredicate#singleName()}). */
  protected static ObjectPredicate nameIs(String name) {
    FieldSelector selector = FieldSelector.parse("metadata.name=" + name);
    assertThat(selector.singleName()).isEqualTo(name);
    return selector;
  }

  /**
   * Changes after the store's current revision. A watch "from now" (revision 0) would race with a write made right
   * after it is opened: the backend may establish the watch after that write commits.
   */
  protected WatchOptions fromNow() {
    return WatchOptions.since(null, store.currentRevision().toCompletableFuture().join());
  }

  protected Recorder watch(ResourceType type, WatchOptions options) {
    return watch(store, type, options);
  }

  protected Recorder watch(ResourceStore on, ResourceType type, WatchOptions options) {
    Recorder recorder = new Recorder();
    ResourceWatch w = on.watch(type, options, recorder);
    assertThat(w).isNotNull();
    recorder.watch = w;
    watches.add(w);
    return recorder;
  }

  /** A latch the test releases, and the suite releases after the test at the latest. */
  protected CountDownLatch gate() {
    CountDownLatch g = new CountDownLatch(1);
    gates.add(g);
    return g;
  }

  /** Records everything a watch delivers; notes overlapping calls and calls after onClose. */
  protected static final class Recorder implements ResourceWatchListener {
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final List<StorageException> closes = new CopyOnWriteArrayList<>();
    final AtomicInteger closeCalls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicBoolean overlapped = new AtomicBoolean();
    final AtomicBoolean afterClose = new AtomicBoolean();
    volatile CountDownLatch blockOn;
    volatile ResourceWatch watch;

    private void enter() {
      if (inFlight.incrementAndGet() != 1) {
        overlapped.set(true);
      }
      if (closeCalls.get() > 0) {
        afterClose.set(true);
      }
    }

    @Override
    public void onEvent(WatchEvent event) {
      enter();
      try {
        events.add(event);
        CountDownLatch b = blockOn;
        if (b != null) {
          try {
            b.await(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public void onClose(StorageException error) {
      enter();
      try {
        closeCalls.incrementAndGet();
        closes.add(error);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    /** Events other than bookmarks. */
    List<WatchEvent> changes() {
      return events.stream().filter(e -> e.type() != Type.BOOKMARK).toList();
    }

    List<WatchEvent> bookmarks() {
      return events.stream().filter(e -> e.type() == Type.BOOKMARK).toList();
    }

    /** Waits for {@code n} changes; fails if the watch ends first. */
    List<WatchEvent> awaitChanges(int n) {
      Awaitility.await().atMost(WAIT).until(() -> changes().size() >= n || closeCalls.get() > 0);
      assertThat(closes).as("watch ended early").isEmpty();
      checkCalls();
      return changes();
    }

    /** Waits for onClose and returns its error (null after a normal close). */
    StorageException awaitClose() {
      Awaitility.await().atMost(WAIT).until(() -> closeCalls.get() > 0);
      return closes.get(0);
    }

    void checkCalls() {
      assertThat(overlapped).as("listener calls overlapped").isFalse();
      assertThat(afterClose).as("a call after onClose").isFalse();
    }
  }

  protected static String event(WatchEvent e) {
    return e.type() + " " + (e.object() == null ? "-" : e.object().key().namespace() + "/" + e.object().key().name())
        + "@" + e.resourceVersion();
  }

  protected static List<String> events(List<WatchEvent> events) {
    return events.stream().map(AbstractResourceStoreContractTest::event).toList();
  }

  protected static String ev(Type type, StoredObject o) {
    return type + " " + o.key().namespace() + "/" + o.key().name() + "@" + o.resourceVersion();
  }

  protected static String ev(Type type, ObjectKey key, long rv) {
    return type + " " + key.namespace() + "/" + key.name() + "@" + rv;
  }

  /** Pseudo-random base64 text of exactly {@code length} characters. */
  protected static String randomText(int length, long seed) {
    byte[] raw = new byte[length * 3 / 4 + 3];
    new Random(seed).nextBytes(raw);
    return Base64.getEncoder().encodeToString(raw).substring(0, length);
  }

  /** A clock the test moves. */
  protected static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A RuntimeException only the test throws. */
  protected static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(String message) {
      super(message);
    }
  }

  /** Preconditions that do not hold for the given current object. */
  static Stream<Arguments> failingPreconditions() {
    return Stream.of(
        Arguments.of(named("uid", (java.util.function.Function<StoredObject, Preconditions>)
            o -> Preconditions.uid("not-" + json(o).path("metadata").path("uid").asText()))),
        Arguments.of(named("resourceVersion", (java.util.function.Function<StoredObject, Preconditions>)
            o -> Preconditions.resourceVersion(o.resourceVersion() - 1))),
        Arguments.of(named("uid matches, resourceVersion stale", (java.util.function.Function<StoredObject, Preconditions>)
            o -> new Preconditions(json(o).path("metadata").path("uid").asText(), o.resourceVersion() - 1))));
  }

  // ---------------------------------------------------------------------------------------------------------------

  @Nested
  class Create {
    @Test
    void returnsIncreasingNumericResourceVersions() {
      long before = rev();
      StoredObject a = create(dash("ns1", "a"));
      StoredObject b = create(dash("ns1", "b"));
      assertThat(rvField(a)).isGreaterThan(before);
      assertThat(rvField(b)).isGreaterThan(a.resourceVersion());
      assertThat(rev()).isEqualTo(b.resourceVersion());
      assertThat(a.key()).isEqualTo(dash("ns1", "a"));
    }

    @Test
    void resourceVersionInTheInputIsNotStored() {
      ObjectKey key = dash("ns1", "a");
      ObjectNode input = object(key, Map.of(), Map.of("n", 1));
      ((ObjectNode) input.get("metadata")).put("resourceVersion", "12345678901");
      StoredObject created = await(store.create(key, bytes(input), ALICE));
      assertThat(rvField(created)).isNotEqualTo(12345678901L);
      StoredObject read = get(key);
      assertThat(rvField(read)).isEqualTo(created.resourceVersion());
      assertThat(content(read)).isEqualTo(content(input));
    }

    @Test
    void secondCreateFailsWithAlreadyExists() {
      ObjectKey key = dash("ns1", "a");
      StoredObject first = create(key);
      StorageException e = failure(store.create(key, bytes(object(key, Map.of(), Map.of("n", 2))), ALICE));
      assertThat(e.code()).isEqualTo(StorageErrorCode.ALREADY_EXISTS);
      assertThat(e.revision()).isEqualTo(first.resourceVersion());
      assertThat(summary(get(key))).isEqualTo(summary(first));
      assertThat(rev()).isEqualTo(first.resourceVersion());
    }

    static Stream<Arguments> invalidBodies() {
      return Stream.of(
          Arguments.of(named("truncated JSON", "{\"metadata\":{\"name\":\"a\"")),
          Arguments.of(named("not JSON", "hello")),
          Arguments.of(named("empty", "")),
          Arguments.of(named("array", "[{\"metadata\":{\"name\":\"a\"}}]")),
          Arguments.of(named("number", "42")),
          Arguments.of(named("string", "\"a\"")),
          Arguments.of(named("null", "null")),
          Arguments.of(named("metadata not an object", "{\"metadata\":[1]}")),
          Arguments.of(named("name of another object", "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns1\"}}")),
          Arguments.of(named("namespace of another object", "{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns2\"}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void invalidBodyIsRejected(String body) {
      ObjectKey key = dash("ns1", "a");
      long before = rev();
      assertCode(store.create(key, body.getBytes(UTF_8), ALICE), StorageErrorCode.INVALID);
      assertCode(store.get(key, 0), StorageErrorCode.NOT_FOUND);
      assertThat(rev()).isEqualTo(before);
    }

    @Test
    void clusterScopedType() {
      ObjectKey key = ORGANIZATIONS.key(null, "acme");
      assertThat(key.namespace()).isEmpty();
      StoredObject created = create(key, Map.of(), Map.of("tier", "gold"));
      assertThat(json(created).path("metadata").has("namespace")).isFalse();
      assertThat(summary(get(key))).isEqualTo(summary(created));
      ListResult all = list(ORGANIZATIONS, ListOptions.all());
      assertThat(summaries(all.items())).containsExactly(summary(created));
      assertThatThrownBy(() -> new ObjectKey(ORGANIZATIONS, "ns1", "acme"))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
      // the same name in a namespaced type is another object
      assertCode(store.get(dash("ns1", "acme"), 0), StorageErrorCode.NOT_FOUND);
    }
  }

  @Nested
  class Get {
    @Test
    void latestAndExactVersions() {
      ObjectKey key = dash("ns1", "a");
      long beforeCreate = rev();
      StoredObject v1 = create(key, Map.of(), Map.of("n", 1));
      StoredObject v2 = setSpec(key, "n", 2);
      StoredObject other = create(dash("ns1", "other"));
      StoredObject v3 = setSpec(key, "n", 3);

      assertThat(summary(get(key))).isEqualTo(summary(v3));
      assertThat(summary(await(store.get(key, v1.resourceVersion())))).isEqualTo(summary(v1));
      assertThat(summary(await(store.get(key, v2.resourceVersion())))).isEqualTo(summary(v2));
      // at a later revision: the version current then, with its own resourceVersion
      assertThat(summary(await(store.get(key, other.resourceVersion())))).isEqualTo(summary(v2));
      assertThat(summary(await(store.get(key, v3.resourceVersion())))).isEqualTo(summary(v3));
      assertThat(summary(await(store.get(key, rev())))).isEqualTo(summary(v3));
      assertCode(store.get(key, beforeCreate), StorageErrorCode.NOT_FOUND);
    }

    @Test
    void beforeCreationBetweenDeleteAndRecreateAndMissing() {
      ObjectKey key = dash("ns1", "a");
      create(dash("ns1", "b"));
      long before = rev();
      create(key);
      StoredObject deleted = delete(key);
      create(dash("ns1", "c"));
      long gap = rev();
      StoredObject again = create(key);
      assertCode(store.get(key, before), StorageErrorCode.NOT_FOUND);
      assertCode(store.get(key, deleted.resourceVersion()), StorageErrorCode.NOT_FOUND);
      assertCode(store.get(key, gap), StorageErrorCode.NOT_FOUND);
      assertThat(summary(await(store.get(key, again.resourceVersion())))).isEqualTo(summary(again));
      assertCode(store.get(dash("ns1", "missing"), 0), StorageErrorCode.NOT_FOUND);
      assertCode(store.get(dash("ns2", "a"), 0), StorageErrorCode.NOT_FOUND);
    }

    @Test
    void farFutureRevision() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      long current = rev();
      StorageException e = failure(store.get(key, current + 1_000_000));
      assertThat(e.code()).isEqualTo(StorageErrorCode.FUTURE_REVISION);
      assertThat(e.revision()).isGreaterThanOrEqualTo(current);
      assertCode(store.get(dash("ns1", "missing"), current + 1_000_000), StorageErrorCode.FUTURE_REVISION);
    }
  }

  @Nested
  class Update {
    @Test
    void appliesTheFunction() {
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = create(key, Map.of(), Map.of("n", 1));
      AtomicInteger calls = new AtomicInteger();
      StoredObject v2 = await(store.update(key, Preconditions.NONE, current -> {
        calls.incrementAndGet();
        assertThat(current.resourceVersion()).isEqualTo(v1.resourceVersion());
        ObjectNode node = json(current);
        ((ObjectNode) node.get("spec")).put("n", node.path("spec").path("n").asInt() + 1);
        return bytes(node);
      }, BOB));
      assertThat(calls).hasValue(1);
      assertThat(rvField(v2)).isGreaterThan(v1.resourceVersion());
      assertThat(json(v2).path("spec").path("n").asInt()).isEqualTo(2);
      assertThat(summary(get(key))).isEqualTo(summary(v2));
      assertThat(rev()).isEqualTo(v2.resourceVersion());
    }

    static Stream<Arguments> noOps() {
      return Stream.of(
          Arguments.of(named("the same bytes, resourceVersion included", (UnaryOperator<byte[]>) b -> b)),
          Arguments.of(named("the same content without resourceVersion", (UnaryOperator<byte[]>) b -> {
            ObjectNode n = json(b);
            ((ObjectNode) n.get("metadata")).remove("resourceVersion");
            return bytes(n);
          })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noOps")
    void noOpKeepsTheResourceVersionAndWritesNothing(UnaryOperator<byte[]> same) {
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = create(key);
      long before = rev();
      Recorder w = watch(DASHBOARDS, WatchOptions.since(null, before));
      StoredObject result = await(store.update(key, Preconditions.NONE, current -> same.apply(current.json()), BOB));
      assertThat(summary(result)).isEqualTo(summary(v1));
      assertThat(rev()).isEqualTo(before);
      assertThat(history(key)).hasSize(1);
      StoredObject marker = create(dash("ns1", "marker"));
      // the first event after the no-op is the marker: the no-op produced none
      assertThat(events(w.awaitChanges(1))).containsExactly(ev(Type.ADDED, marker));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.revisor.storage.resource.AbstractResourceStoreContractTest#failingPreconditions")
    void preconditionMismatchIsConflict(java.util.function.Function<StoredObject, Preconditions> preconditions) {
      ObjectKey key = dash("ns1", "a");
      create(key);
      StoredObject current = setSpec(key, "n", 1);
      long before = rev();
      StorageException e = failure(store.update(key, preconditions.apply(current),
          o -> bytes(((ObjectNode) json(o)).put("x", 1)), BOB));
      assertThat(e.code()).isEqualTo(StorageErrorCode.CONFLICT);
      assertThat(rev()).isEqualTo(before);
      assertThat(summary(get(key))).isEqualTo(summary(current));
    }

    @Test
    void matchingPreconditionsApply() {
      ObjectKey key = dash("ns1", "a");
      StoredObject current = create(key);
      String uid = json(current).path("metadata").path("uid").asText();
      StoredObject updated = await(store.update(key, new Preconditions(uid, current.resourceVersion()),
          o -> bytes(((ObjectNode) json(o)).put("x", 1)), BOB));
      assertThat(updated.resourceVersion()).isGreaterThan(current.resourceVersion());
    }

    @Test
    void missingObjectIsNotFound() {
      AtomicInteger calls = new AtomicInteger();
      assertCode(store.update(dash("ns1", "missing"), Preconditions.NONE, o -> {
        calls.incrementAndGet();
        return o.json();
      }, BOB), StorageErrorCode.NOT_FOUND);
      assertThat(calls).hasValue(0);
    }

    /**
     * 8 threads increment one object, half of them through a second store on the same backend (another replica):
     * the store's own writes of one object queue behind each other, the two stores' writes race and retry.
     */
    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
      ResourceStore replica = openStore(options().build());
      ObjectKey key = dash("ns1", "counter");
      create(key, Map.of(), Map.of("n", 0));
      int threads = 8;
      int increments = 25;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      Set<Long> rvs = ConcurrentHashMap.newKeySet();
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          ResourceStore on = t % 2 == 0 ? store : replica;
          futures.add(pool.submit(() -> {
            for (int i = 0; i < increments; i++) {
              StoredObject o = await(on.update(key, Preconditions.NONE, current -> {
                ObjectNode node = json(current);
                ((ObjectNode) node.get("spec")).put("n", node.path("spec").path("n").asInt() + 1);
                return bytes(node);
              }, BOB));
              rvs.add(o.resourceVersion());
            }
          }));
        }
        for (Future<?> f : futures) {
          f.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      StoredObject last = get(key);
      assertThat(json(last).path("spec").path("n").asInt()).isEqualTo(threads * increments);
      assertThat(rvs).hasSize(threads * increments);
      assertThat(history(key)).hasSize(threads * increments + 1);
    }

    @Test
    void storageExceptionOfTheFunctionReachesTheCallerUnchanged() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      long before = rev();
      StorageException thrown = StorageException.invalid("spec.n: must be positive");
      Throwable t = rawFailure(store.update(key, Preconditions.NONE, o -> {
        throw thrown;
      }, BOB));
      assertThat(t).isInstanceOf(StorageException.class);
      assertThat(((StorageException) t).code()).isEqualTo(StorageErrorCode.INVALID);
      assertThat(t.getMessage()).isEqualTo("spec.n: must be positive");
      assertThat(rev()).isEqualTo(before);
    }

    @Test
    void otherExceptionOfTheFunctionReachesTheCallerUnchanged() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      long before = rev();
      Boom boom = new Boom("admission denied");
      Throwable t = rawFailure(store.update(key, Preconditions.NONE, o -> {
        throw boom;
      }, BOB));
      // UpdateFunction: "Throwing aborts the update and the exception reaches the caller unchanged."
      assertThat(t).isSameAs(boom);
      assertThat(rev()).isEqualTo(before);
    }
  }

  @Nested
  class Delete {
    @Test
    void returnsTheLastStateAtTheDeletionRevision() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      StoredObject last = setSpec(key, "n", 7);
      StoredObject deleted = delete(key);
      assertThat(deleted.resourceVersion()).isGreaterThan(last.resourceVersion());
      assertThat(rvField(deleted)).isEqualTo(rev());
      assertThat(content(deleted)).isEqualTo(content(last));
      assertCode(store.get(key, 0), StorageErrorCode.NOT_FOUND);
      assertCode(store.delete(key, Preconditions.NONE, null, BOB), StorageErrorCode.NOT_FOUND);
      assertThat(list(DASHBOARDS, ListOptions.all()).items()).isEmpty();
    }

    @Test
    void recreateAfterDelete() {
      ObjectKey key = dash("ns1", "a");
      StoredObject first = create(key, Map.of(), Map.of("n", 1));
      StoredObject deleted = delete(key);
      StoredObject again = create(key, Map.of(), Map.of("n", 2));
      assertThat(again.resourceVersion()).isGreaterThan(deleted.resourceVersion());
      assertThat(summary(get(key))).isEqualTo(summary(again));
      assertThat(summary(await(store.get(key, first.resourceVersion())))).isEqualTo(summary(first));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.revisor.storage.resource.AbstractResourceStoreContractTest#failingPreconditions")
    void preconditionMismatchIsConflict(java.util.function.Function<StoredObject, Preconditions> preconditions) {
      ObjectKey key = dash("ns1", "a");
      create(key);
      StoredObject current = setSpec(key, "n", 1);
      long before = rev();
      assertCode(store.delete(key, preconditions.apply(current), null, BOB), StorageErrorCode.CONFLICT);
      assertThat(rev()).isEqualTo(before);
      assertThat(summary(get(key))).isEqualTo(summary(current));
    }

    @Test
    void matchingPreconditionsDelete() {
      ObjectKey key = dash("ns1", "a");
      StoredObject current = create(key);
      String uid = json(current).path("metadata").path("uid").asText();
      StoredObject deleted = await(store.delete(key, new Preconditions(uid, current.resourceVersion()), null, BOB));
      assertThat(deleted.resourceVersion()).isGreaterThan(current.resourceVersion());
      assertCode(store.get(key, 0), StorageErrorCode.NOT_FOUND);
    }

    @Test
    void checkSeesTheFreshStateAndAbortsWhenItThrows() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      StoredObject fresh = setSpec(key, "n", 2);
      List<StoredObject> seen = new CopyOnWriteArrayList<>();
      Boom boom = new Boom("deletion refused");
      long before = rev();
      Throwable t = rawFailure(store.delete(key, Preconditions.NONE, o -> {
        seen.add(o);
        throw boom;
      }, BOB));
      assertThat(Stream.iterate(t, c -> c != null, Throwable::getCause).toList()).contains(boom);
      assertThat(seen).isNotEmpty();
      assertThat(summary(seen.get(seen.size() - 1))).isEqualTo(summary(fresh));
      assertThat(rev()).isEqualTo(before);
      assertThat(summary(get(key))).isEqualTo(summary(fresh));

      List<StoredObject> seenOk = new CopyOnWriteArrayList<>();
      StoredObject deleted = await(store.delete(key, Preconditions.NONE, seenOk::add, BOB));
      assertThat(summaries(seenOk)).containsExactly(summary(fresh));
      assertThat(content(deleted)).isEqualTo(content(fresh));
    }

    @Test
    void missingObjectIsNotFound() {
      assertCode(store.delete(dash("ns1", "missing"), Preconditions.NONE, null, BOB), StorageErrorCode.NOT_FOUND);
    }
  }

  @Nested
  class Lists {
    @Test
    void namespacesAreIsolated() {
      List<StoredObject> ns1 = List.of(create(dash("ns1", "a")), create(dash("ns1", "b")));
      List<StoredObject> ns1x = List.of(create(dash("ns1-x", "a")));
      List<StoredObject> ns10 = List.of(create(dash("ns10", "a")), create(dash("ns10", "c")));
      create(FOLDERS.key("ns1", "a"));
      assertThat(summaries(list(DASHBOARDS, ListOptions.inNamespace("ns1")).items()))
          .containsExactlyElementsOf(summaries(ns1));
      assertThat(summaries(list(DASHBOARDS, ListOptions.inNamespace("ns1-x")).items()))
          .containsExactlyElementsOf(summaries(ns1x));
      assertThat(summaries(list(DASHBOARDS, ListOptions.inNamespace("ns10")).items()))
          .containsExactlyElementsOf(summaries(ns10));
      assertThat(list(DASHBOARDS, ListOptions.inNamespace("ns")).items()).isEmpty();
      // all namespaces, in key order
      TreeMap<String, Summary> expected = new TreeMap<>();
      Stream.of(ns1, ns1x, ns10).flatMap(List::stream)
          .forEach(o -> expected.put(o.key().namespace() + "/" + o.key().name(), summary(o)));
      assertThat(summaries(list(DASHBOARDS, ListOptions.all()).items()))
          .containsExactlyElementsOf(expected.values());
    }

    static Stream<Arguments> namespaceAndFieldSelectors() {
      List<String> namespaces = java.util.Arrays.asList(null, "ns1", "ns2");
      List<String> selectors = List.of("", "metadata.name=a", "metadata.namespace=ns1", "metadata.name!=a",
          "metadata.namespace!=ns1,metadata.name=b");
      List<Arguments> cases = new ArrayList<>();
      for (String ns : namespaces) {
        for (String selector : selectors) {
          for (long limit : new long[] {0, 1}) {
            cases.add(Arguments.of(ns, named("'" + selector + "'", selector), limit));
          }
        }
      }
      return cases.stream();
    }

    @ParameterizedTest(name = "namespace {0}, fields {1}, limit {2}")
    @MethodSource("namespaceAndFieldSelectors")
    void namespaceTimesFieldSelector(String namespace, String selector, long limit) {
      List<StoredObject> all = new ArrayList<>();
      for (String ns : List.of("ns1", "ns1-x", "ns2")) {
        for (String name : List.of("a", "ab", "b")) {
          all.add(create(dash(ns, name)));
        }
      }
      FieldSelector fields = FieldSelector.parse(selector);
      List<Summary> expected = all.stream()
          .filter(o -> namespace == null || o.key().namespace().equals(namespace))
          .filter(o -> fields.matches(new ObjectAttributes(o.key().name(), o.key().namespace(), Map.of(),
              Map.of("metadata.name", o.key().name(), "metadata.namespace", o.key().namespace()))))
          .sorted(java.util.Comparator.comparing(o -> o.key().namespace() + "/" + o.key().name()))
          .map(AbstractResourceStoreContractTest::summary).toList();
      ListOptions options = new ListOptions(namespace, fields, limit, null, 0);
      assertThat(summaries(items(pages(DASHBOARDS, options)))).containsExactlyElementsOf(expected);
      Recorder w = watch(DASHBOARDS, new WatchOptions(namespace, fields, 0, true, false, null));
      assertThat(summaries(w.awaitChanges(expected.size()).stream().map(WatchEvent::object).toList()))
          .containsExactlyElementsOf(expected);
    }

    @Test
    void namePrefixesAreNotConfused() {
      StoredObject foo = create(dash("ns1", "foo"));
      StoredObject foobar = create(dash("ns1", "foobar"));
      create(dash("ns1", "fo"));
      assertThat(summaries(list(DASHBOARDS, ListOptions.inNamespace("ns1").matching(nameIs("foo"))).items()))
          .containsExactly(summary(foo));
      assertThat(history(dash("ns1", "foo"))).hasSize(1);
      delete(dash("ns1", "foo"));
      assertThat(summary(get(dash("ns1", "foobar")))).isEqualTo(summary(foobar));
      assertThat(history(dash("ns1", "foo"))).hasSize(2);
      assertThat(history(dash("ns1", "foobar"))).hasSize(1);
      assertThat(list(DASHBOARDS, ListOptions.inNamespace("ns1").matching(nameIs("foo"))).items()).isEmpty();
    }

    @Test
    void listRevisionIsTheHeaderRevision() {
      StoredObject a = create(dash("ns1", "a"));
      StoredObject b = create(dash("ns1", "b"));
      create(FOLDERS.key("ns1", "unrelated"));
      long current = rev();
      ListResult result = list(DASHBOARDS, ListOptions.all());
      assertThat(result.resourceVersion()).isEqualTo(current);
      assertThat(result.resourceVersion()).isGreaterThan(Math.max(a.resourceVersion(), b.resourceVersion()));
      assertThat(list(DASHBOARDS, ListOptions.inNamespace("empty")).resourceVersion()).isEqualTo(current);
      assertThat(result.continueToken()).isNull();
      assertThat(result.remainingItemCount()).isNull();
    }

    private List<StoredObject> createMany(String namespace, int n) {
      List<StoredObject> created = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        created.add(create(dash(namespace, String.format("o%03d", i)), Map.of("i", Integer.toString(i)), Map.of("n", i)));
      }
      return created;
    }

    @Test
    void limitOnePagingKeepsTheFirstRevisionAndSeesEverythingOnce() {
      int n = 7;
      List<StoredObject> created = createMany("ns1", n);
      create(dash("ns2", "x"));
      long listRev = rev();
      List<ListResult> pages = new ArrayList<>();
      ListOptions options = ListOptions.inNamespace("ns1").withLimit(1);
      for (int i = 0; i < 2 * n + 2; i++) {
        ListResult page = list(DASHBOARDS, options);
        pages.add(page);
        if (i == 0) {
          // writes during paging: invisible to later pages
          setSpec(dash("ns1", "o004"), "n", 100);
          delete(dash("ns1", "o005"));
          create(dash("ns1", "o999"));
          create(dash("ns1", "o0000"));
        }
        if (page.continueToken() == null) {
          break;
        }
        options = options.withContinue(page.continueToken());
      }
      assertThat(pages).hasSize(n);
      for (int i = 0; i < n; i++) {
        ListResult page = pages.get(i);
        assertThat(page.resourceVersion()).as("page %d revision", i).isEqualTo(listRev);
        assertThat(page.items()).as("page %d", i).hasSize(1);
        if (i < n - 1) {
          assertThat(page.remainingItemCount()).as("page %d remainingItemCount", i).isEqualTo(n - 1L - i);
        } else {
          assertThat(page.continueToken()).isNull();
          assertThat(page.remainingItemCount()).isNull();
        }
      }
      assertThat(summaries(items(pages))).containsExactlyElementsOf(summaries(created));
    }

    @Test
    void continueWithoutLimitReturnsTheRest() {
      List<StoredObject> created = createMany("ns1", 6);
      ListResult first = list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(2));
      assertThat(summaries(first.items())).containsExactlyElementsOf(summaries(created.subList(0, 2)));
      assertThat(first.remainingItemCount()).isEqualTo(4L);
      create(dash("ns1", "o100"));
      ListResult rest = list(DASHBOARDS, ListOptions.inNamespace("ns1").withContinue(first.continueToken()));
      assertThat(summaries(rest.items())).containsExactlyElementsOf(summaries(created.subList(2, 6)));
      assertThat(rest.resourceVersion()).isEqualTo(first.resourceVersion());
      assertThat(rest.continueToken()).isNull();
      assertThat(rest.remainingItemCount()).isNull();
    }

    @Test
    void limitAboveTheCountGivesOnePage() {
      List<StoredObject> created = createMany("ns1", 3);
      ListResult page = list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(3));
      assertThat(summaries(page.items())).containsExactlyElementsOf(summaries(created));
      assertThat(page.continueToken()).isNull();
      assertThat(page.remainingItemCount()).isNull();
      assertThat(list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(10)).continueToken()).isNull();
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {1, 2, 3, 5})
    void predicatePagesHoldExactlyLimitMatches(int limit) {
      List<StoredObject> created = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        created.add(create(dash("ns1", String.format("o%02d", i)), Map.of("pick", i % 3 == 1 ? "yes" : "no"), Map.of()));
      }
      List<Summary> expected = created.stream()
          .filter(o -> json(o).path("metadata").path("labels").path("pick").asText().equals("yes"))
          .map(AbstractResourceStoreContractTest::summary).toList();
      List<ListResult> pages = pages(DASHBOARDS, ListOptions.inNamespace("ns1").matching(labelEquals("pick", "yes"))
          .withLimit(limit));
      for (ListResult page : pages) {
        assertThat(page.remainingItemCount()).as("remainingItemCount with a predicate").isNull();
        assertThat(page.resourceVersion()).isEqualTo(pages.get(0).resourceVersion());
        if (page.continueToken() != null) {
          assertThat(page.items()).hasSize(limit);
        } else {
          assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
        }
      }
      assertThat(summaries(items(pages))).containsExactlyElementsOf(expected);
      assertThat(pages.size()).isLessThanOrEqualTo(expected.size() / limit + 1);
    }

    @Test
    void rareObjectIsFoundInOnePage() {
      int n = 300;
      StoredObject last = null;
      for (int i = 0; i < n; i++) {
        last = create(dash("ns1", String.format("o%03d", i)), i == n - 1 ? Map.of("rare", "yes") : Map.of(), Map.of());
      }
      ListResult page = list(DASHBOARDS, ListOptions.inNamespace("ns1").matching(labelEquals("rare", "yes")).withLimit(1));
      assertThat(summaries(page.items())).containsExactly(summary(last));
      assertThat(page.continueToken()).isNull();
      ListResult all = list(DASHBOARDS, ListOptions.all().matching(labelEquals("rare", "yes")).withLimit(1));
      assertThat(summaries(all.items())).containsExactly(summary(last));
      assertThat(all.continueToken()).isNull();
    }

    @Test
    void exactListAtEveryHistoricalRevision() {
      TreeMap<String, StoredObject> state = new TreeMap<>();
      Map<Long, List<Summary>> snapshots = new LinkedHashMap<>();
      long start = rev();
      snapshots.put(start, List.of());
      List<Runnable> writes = List.of(
          () -> put(state, create(dash("ns1", "b"))),
          () -> put(state, create(dash("ns2", "a"))),
          () -> put(state, create(dash("ns1", "a"))),
          () -> put(state, setSpec(dash("ns1", "b"), "n", 1)),
          () -> remove(state, delete(dash("ns2", "a"))),
          () -> put(state, create(dash("ns1", "c"))),
          () -> put(state, create(dash("ns2", "a"))),
          () -> put(state, setSpec(dash("ns1", "a"), "n", 5)),
          () -> remove(state, delete(dash("ns1", "b"))));
      for (Runnable w : writes) {
        w.run();
        snapshots.put(rev(), state.values().stream().map(AbstractResourceStoreContractTest::summary).toList());
      }
      snapshots.forEach((revision, expected) -> {
        ListResult exact = list(DASHBOARDS, ListOptions.all().atRevision(revision));
        assertThat(exact.resourceVersion()).as("list at %d", revision).isEqualTo(revision);
        assertThat(summaries(exact.items())).as("list at %d", revision).containsExactlyElementsOf(expected);
        List<ListResult> paged = pages(DASHBOARDS, ListOptions.all().atRevision(revision).withLimit(1));
        assertThat(summaries(items(paged))).as("paged list at %d", revision).containsExactlyElementsOf(expected);
        assertThat(paged).allSatisfy(p -> assertThat(p.resourceVersion()).isEqualTo(revision));
        List<Summary> ns1 = expected.stream().filter(s -> s.key().namespace().equals("ns1")).toList();
        assertThat(summaries(list(DASHBOARDS, ListOptions.inNamespace("ns1").atRevision(revision)).items()))
            .as("ns1 at %d", revision).containsExactlyElementsOf(ns1);
      });
      assertCode(store.list(DASHBOARDS, ListOptions.all().atRevision(rev() + 1_000_000)),
          StorageErrorCode.FUTURE_REVISION);
    }

    private static void put(Map<String, StoredObject> state, StoredObject o) {
      state.put(o.key().namespace() + "/" + o.key().name(), o);
    }

    private static void remove(Map<String, StoredObject> state, StoredObject deleted) {
      assertThat(state.remove(deleted.key().namespace() + "/" + deleted.key().name())).isNotNull();
    }

    @Test
    void deletedObjectIsNeverReturned() {
      StoredObject a = create(dash("ns1", "a"));
      create(dash("ns1", "b"));
      StoredObject c = create(dash("ns1", "c"));
      delete(dash("ns1", "b"));
      assertThat(summaries(list(DASHBOARDS, ListOptions.all()).items())).containsExactly(summary(a), summary(c));
      assertThat(summaries(items(pages(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(1)))))
          .containsExactly(summary(a), summary(c));
      assertThat(summaries(items(pages(DASHBOARDS, ListOptions.all().matching(labelEquals("x", "y")).withLimit(1)))))
          .isEmpty();
    }

    static Stream<Arguments> brokenTokens() {
      return Stream.of(
          Arguments.of(named("truncated", (UnaryOperator<String>) t -> t.substring(0, t.length() - 3))),
          Arguments.of(named("cut in half", (UnaryOperator<String>) t -> t.substring(0, t.length() / 2))),
          Arguments.of(named("payload char flipped", (UnaryOperator<String>) t -> flip(t, 3))),
          Arguments.of(named("signature char flipped", (UnaryOperator<String>) t -> flip(t, t.length() - 5))),
          Arguments.of(named("appended", (UnaryOperator<String>) t -> t + "AA")),
          Arguments.of(named("garbage", (UnaryOperator<String>) t -> "garbage!")),
          Arguments.of(named("dot", (UnaryOperator<String>) t -> ".")),
          Arguments.of(named("three parts", (UnaryOperator<String>) t -> t + "." + t)),
          Arguments.of(named("upstream format with traversal", (UnaryOperator<String>) t -> Base64.getUrlEncoder()
              .withoutPadding().encodeToString(
                  "{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"../../../x\"}".getBytes(UTF_8)))),
          Arguments.of(named("forged payload, old signature", (UnaryOperator<String>) t -> {
            int dot = t.indexOf('.');
            String payload = dot > 0 ? t.substring(0, dot) : t;
            String decoded;
            try {
              decoded = new String(Base64.getUrlDecoder().decode(payload), UTF_8);
            } catch (IllegalArgumentException e) {
              decoded = payload;
            }
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                decoded.replace("ns1/", "ns2/").replaceAll("\"rv\":\\d+", "\"rv\":2").getBytes(UTF_8));
            return dot > 0 ? forged + t.substring(dot) : forged;
          })));
    }

    private static String flip(String t, int i) {
      char c = t.charAt(i);
      char r = c == 'A' ? 'B' : 'A';
      return t.substring(0, i) + r + t.substring(i + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenTokens")
    void brokenContinueTokenIsInvalid(UnaryOperator<String> breakIt) {
      createMany("ns1", 3);
      ListResult first = list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(1));
      assertThat(first.continueToken()).isNotNull();
      String broken = breakIt.apply(first.continueToken());
      assertThat(broken).isNotEqualTo(first.continueToken());
      assertInvalidToken(store.list(DASHBOARDS, ListOptions.inNamespace("ns1").withContinue(broken)));
      assertInvalidToken(store.list(DASHBOARDS, ListOptions.all().withContinue(broken)));
    }

    @Test
    void tokenOfAnotherScopeIsInvalid() {
      createMany("ns1", 3);
      createMany("ns2", 3);
      ObjectKey key = dash("ns1", "o000");
      setSpec(key, "n", 1);
      setSpec(key, "n", 2);
      String ns1Token = list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(1)).continueToken();
      assertInvalidToken(store.list(DASHBOARDS, ListOptions.inNamespace("ns2").withContinue(ns1Token)));
      assertInvalidToken(store.list(DASHBOARDS, ListOptions.inNamespace("ns10").withContinue(ns1Token)));
      String historyToken = await(store.history(key, 1, null)).continueToken();
      assertThat(historyToken).isNotNull();
      assertInvalidToken(store.list(DASHBOARDS, ListOptions.inNamespace("ns1").withContinue(historyToken)));
      // a token of another installation (another key prefix)
      ResourceStore other = openStore(options().keyPrefix(keyPrefix + "other").build());
      await(other.create(dash("ns1", "a"), bytes(object(dash("ns1", "a"), Map.of(), Map.of())), ALICE));
      await(other.create(dash("ns1", "b"), bytes(object(dash("ns1", "b"), Map.of(), Map.of())), ALICE));
      String foreign = await(other.list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(1))).continueToken();
      assertInvalidToken(store.list(DASHBOARDS, ListOptions.inNamespace("ns1").withContinue(foreign)));
      // the all-namespaces token is still fine where it was issued
      String allToken = list(DASHBOARDS, ListOptions.all().withLimit(1)).continueToken();
      assertThat(list(DASHBOARDS, ListOptions.all().withContinue(allToken)).items()).hasSize(5);
    }

    private void assertInvalidToken(CompletionStage<ListResult> stage) {
      StorageException e = failure(stage);
      assertThat(e.code()).as("code of %s", e.getMessage()).isEqualTo(StorageErrorCode.INVALID);
      assertThat(e.getMessage()).startsWith("invalid continue token");
    }
  }

  @Nested
  class BeyondCompaction {
    private void compactAll() {
      long current = await(kv.currentRevision());
      await(kv.compact(current));
    }

    @Test
    void getAtCompactedRevisions() {
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = create(key, Map.of(), Map.of("n", 1));
      StoredObject v2 = setSpec(key, "n", 2);
      StoredObject other = create(dash("ns1", "b"));
      StoredObject v3 = setSpec(key, "n", 3);
      StoredObject deleted = delete(dash("ns1", "b"));
      compactAll();
      assertThat(summary(await(store.get(key, v1.resourceVersion())))).isEqualTo(summary(v1));
      assertThat(summary(await(store.get(key, v2.resourceVersion())))).isEqualTo(summary(v2));
      assertThat(summary(await(store.get(key, other.resourceVersion())))).isEqualTo(summary(v2));
      assertThat(summary(await(store.get(key, v3.resourceVersion())))).isEqualTo(summary(v3));
      assertThat(summary(get(key))).isEqualTo(summary(v3));
      assertThat(summary(await(store.get(dash("ns1", "b"), v3.resourceVersion())))).isEqualTo(summary(other));
      assertCode(store.get(dash("ns1", "b"), deleted.resourceVersion()), StorageErrorCode.NOT_FOUND);
      assertCode(store.get(dash("ns1", "b"), v1.resourceVersion()), StorageErrorCode.NOT_FOUND);
    }

    @Test
    void exactListAtCompactedRevisions() {
      // names whose history keys sort differently from their current keys
      List<String> names = List.of("ab", "a.c", "a", "a-b");
      TreeMap<String, StoredObject> state = new TreeMap<>();
      Map<Long, List<Summary>> snapshots = new LinkedHashMap<>();
      for (String name : names) {
        StoredObject o = create(dash("ns1", name));
        state.put("ns1/" + name, o);
        snapshots.put(rev(), state.values().stream().map(AbstractResourceStoreContractTest::summary).toList());
      }
      StoredObject b = create(dash("ns0", "b"));
      state.put("ns0/b", b);
      state.put("ns1/a-b", setSpec(dash("ns1", "a-b"), "n", 1));
      snapshots.put(rev(), state.values().stream().map(AbstractResourceStoreContractTest::summary).toList());
      delete(dash("ns1", "a"));
      state.remove("ns1/a");
      snapshots.put(rev(), state.values().stream().map(AbstractResourceStoreContractTest::summary).toList());
      state.put("ns1/aa", create(dash("ns1", "aa")));
      snapshots.put(rev(), state.values().stream().map(AbstractResourceStoreContractTest::summary).toList());
      compactAll();
      // changes after the compaction
      delete(dash("ns1", "ab"));
      setSpec(dash("ns1", "a.c"), "n", 9);
      create(dash("ns1", "a0"));
      snapshots.forEach((revision, expected) -> {
        ListResult exact = list(DASHBOARDS, ListOptions.all().atRevision(revision));
        assertThat(exact.resourceVersion()).as("list at %d", revision).isEqualTo(revision);
        assertThat(summaries(exact.items())).as("list at %d", revision).containsExactlyElementsOf(expected);
        List<ListResult> paged = pages(DASHBOARDS, ListOptions.inNamespace("ns1").atRevision(revision).withLimit(1));
        assertThat(summaries(items(paged))).as("paged ns1 list at %d", revision)
            .containsExactlyElementsOf(expected.stream().filter(s -> s.key().namespace().equals("ns1")).toList());
        assertThat(paged).allSatisfy(p -> assertThat(p.resourceVersion()).isEqualTo(revision));
      });
    }

    @Test
    void continueTokenSurvivesCompaction() {
      List<StoredObject> created = new ArrayList<>();
      for (String name : List.of("a", "a-b", "a.c", "ab", "b", "c")) {
        created.add(create(dash("ns1", name)));
      }
      ListResult first = list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(2));
      long listRev = first.resourceVersion();
      assertThat(summaries(first.items())).containsExactlyElementsOf(summaries(created.subList(0, 2)));
      setSpec(dash("ns1", "a.c"), "n", 3);
      delete(dash("ns1", "ab"));
      create(dash("ns1", "a0"));
      create(dash("ns1", "bb"));
      compactAll();
      List<ListResult> rest = pages(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(2)
          .withContinue(first.continueToken()));
      assertThat(rest).allSatisfy(p -> {
        assertThat(p.resourceVersion()).isEqualTo(listRev);
        assertThat(p.items()).hasSizeLessThanOrEqualTo(2);
      });
      assertThat(summaries(items(rest))).containsExactlyElementsOf(summaries(created.subList(2, 6)));
    }
  }

  @Nested
  class Watch {
    @Test
    void fromARevision() {
      ObjectKey a = dash("ns1", "a");
      create(dash("ns1", "x"));
      StoredObject created = create(a, Map.of(), Map.of("n", 1));
      Recorder w = watch(DASHBOARDS, WatchOptions.since(null, created.resourceVersion()));
      StoredObject modified = setSpec(a, "n", 2);
      StoredObject b = create(dash("ns2", "b"));
      StoredObject deleted = delete(a);
      List<WatchEvent> events = w.awaitChanges(3);
      assertThat(events(events)).containsExactly(
          ev(Type.MODIFIED, modified), ev(Type.ADDED, b), ev(Type.DELETED, deleted));
      assertThat(summary(events.get(0).object())).isEqualTo(summary(modified));
      assertThat(summary(events.get(1).object())).isEqualTo(summary(b));
      WatchEvent del = events.get(2);
      assertThat(del.resourceVersion()).isEqualTo(deleted.resourceVersion()).isGreaterThan(modified.resourceVersion());
      assertThat(rvField(del.object())).isEqualTo(deleted.resourceVersion());
      assertThat(content(del.object())).isEqualTo(content(modified));
      assertThat(w.bookmarks()).as("no bookmarks without opt-in").isEmpty();
      w.checkCalls();
    }

    @Test
    void fromAnOlderRevisionReplaysEverythingAfterIt() {
      long start = rev();
      StoredObject a = create(dash("ns1", "a"));
      StoredObject a2 = setSpec(dash("ns1", "a"), "n", 1);
      StoredObject gone = delete(dash("ns1", "a"));
      Recorder w = watch(DASHBOARDS, WatchOptions.since(null, start));
      StoredObject b = create(dash("ns1", "b"));
      assertThat(events(w.awaitChanges(4))).containsExactly(
          ev(Type.ADDED, a), ev(Type.MODIFIED, a2), ev(Type.DELETED, gone), ev(Type.ADDED, b));
    }

    @ParameterizedTest(name = "bookmarks {0}")
    @ValueSource(booleans = {true, false})
    void initialEventsThenChanges(boolean bookmarks) {
      StoredObject c = create(dash("ns2", "c"));
      StoredObject a = create(dash("ns1", "a"));
      StoredObject b = create(dash("ns1", "b"));
      create(FOLDERS.key("ns1", "f"));
      long listRev = rev();
      WatchOptions options = WatchOptions.since(null, 0).withInitialEvents();
      if (bookmarks) {
        options = options.withBookmarks(WatchOptions.DEFAULT_BOOKMARK_INTERVAL);
      }
      Recorder w = watch(DASHBOARDS, options);
      List<WatchEvent> initial = w.awaitChanges(3);
      assertThat(initial).allSatisfy(e -> assertThat(e.type()).isEqualTo(Type.ADDED));
      assertThat(summaries(initial.stream().map(WatchEvent::object).toList()))
          .containsExactly(summary(a), summary(b), summary(c));
      StoredObject d = create(dash("ns1", "d"));
      w.awaitChanges(4);
      if (bookmarks) {
        Awaitility.await().atMost(WAIT).until(() -> !w.bookmarks().isEmpty());
      }
      List<String> all = events(w.events);
      List<String> expected = new ArrayList<>(List.of(
          ev(Type.ADDED, a), ev(Type.ADDED, b), ev(Type.ADDED, c)));
      if (bookmarks) {
        expected.add("BOOKMARK -@" + listRev);
      }
      expected.add(ev(Type.ADDED, d));
      assertThat(all).containsExactlyElementsOf(expected);
      if (bookmarks) {
        WatchEvent end = w.bookmarks().get(0);
        assertThat(end.initialEventsEnd()).isTrue();
        assertThat(end.object()).isNull();
      }
      w.checkCalls();
    }

    @Test
    void initialEventsAtARevisionWithPredicate() {
      StoredObject a1 = create(dash("ns1", "a"), Map.of("app", "x"), Map.of("n", 1));
      create(dash("ns1", "b"), Map.of("app", "y"), Map.of());
      StoredObject c = create(dash("ns1", "c"), Map.of("app", "x"), Map.of());
      long at = rev();
      StoredObject a2 = setSpec(dash("ns1", "a"), "n", 2);
      StoredObject d = create(dash("ns1", "d"), Map.of("app", "x"), Map.of());
      create(dash("ns1", "e"), Map.of("app", "y"), Map.of());
      Recorder w = watch(DASHBOARDS, new WatchOptions(
          "ns1", labelEquals("app", "x"), at, true, true, WatchOptions.DEFAULT_BOOKMARK_INTERVAL));
      w.awaitChanges(4);
      Awaitility.await().atMost(WAIT).until(() -> !w.bookmarks().isEmpty());
      assertThat(events(w.events)).containsExactly(
          ev(Type.ADDED, a1), ev(Type.ADDED, c), "BOOKMARK -@" + at, ev(Type.MODIFIED, a2), ev(Type.ADDED, d));
    }

    @Test
    void periodicBookmarksAreMonotonicAndCoverDeliveredEvents() {
      Recorder w = watch(DASHBOARDS, WatchOptions.since(null, rev()).withBookmarks(Duration.ofMillis(200)));
      long last = 0;
      for (int i = 0; i < 5; i++) {
        last = create(dash("ns1", "o" + i)).resourceVersion();
      }
      long lastWrite = last;
      Awaitility.await().atMost(WAIT).until(() ->
          w.bookmarks().size() >= 3 && w.bookmarks().get(w.bookmarks().size() - 1).resourceVersion() >= lastWrite);
      long maxEvent = 0;
      long lastBookmark = 0;
      for (WatchEvent e : w.events) {
        if (e.type() == Type.BOOKMARK) {
          assertThat(e.object()).isNull();
          assertThat(e.initialEventsEnd()).isFalse();
          assertThat(e.resourceVersion()).as("bookmark after %s", maxEvent).isGreaterThanOrEqualTo(maxEvent)
              .isGreaterThanOrEqualTo(lastBookmark);
          lastBookmark = e.resourceVersion();
        } else {
          assertThat(e.resourceVersion()).isGreaterThan(lastBookmark);
          maxEvent = Math.max(maxEvent, e.resourceVersion());
        }
      }
      assertThat(w.changes()).hasSize(5);
      w.checkCalls();
    }

    @Test
    void predicateEntryAndExit() {
      ObjectKey a = dash("ns1", "a");
      StoredObject start = create(a, Map.of("app", "y"), Map.of("n", 0));
      Recorder w = watch(DASHBOARDS, WatchOptions.since(null, start.resourceVersion()).matching(labelEquals("app", "x")));
      setSpec(a, "n", 1); // neither: nothing
      StoredObject entered = setLabel(a, "app", "x");
      StoredObject both = setSpec(a, "n", 2);
      StoredObject left = setLabel(a, "app", "z");
      setSpec(a, "n", 3); // neither
      delete(a); // deleted while not matching: nothing
      StoredObject other = create(dash("ns1", "b"), Map.of("app", "x"), Map.of());
      StoredObject otherGone = delete(dash("ns1", "b"));
      List<WatchEvent> events = w.awaitChanges(5);
      assertThat(events(events)).containsExactly(
          ev(Type.ADDED, entered), ev(Type.MODIFIED, both), ev(Type.DELETED, a, left.resourceVersion()),
          ev(Type.ADDED, other), ev(Type.DELETED, otherGone));
      WatchEvent exit = events.get(2);
      assertThat(rvField(exit.object())).isEqualTo(left.resourceVersion());
      // upstream (etcd3 watcher, cacher): the last matching content, at the new revision
      assertThat(content(exit.object())).isEqualTo(content(both));
    }

    @Test
    void singleNameWatch() {
      long start = rev();
      Recorder w = watch(DASHBOARDS, WatchOptions.since("ns1", start).matching(nameIs("a")));
      Recorder all = watch(DASHBOARDS, WatchOptions.since(null, start).matching(nameIs("a")));
      create(dash("ns1", "ab"));
      create(dash("ns1", "a-b"));
      StoredObject a = create(dash("ns1", "a"));
      StoredObject otherNs = create(dash("ns2", "a"));
      setSpec(dash("ns1", "ab"), "n", 1);
      StoredObject a2 = setSpec(dash("ns1", "a"), "n", 1);
      StoredObject gone = delete(dash("ns1", "a"));
      assertThat(events(w.awaitChanges(3))).containsExactly(
          ev(Type.ADDED, a), ev(Type.MODIFIED, a2), ev(Type.DELETED, gone));
      assertThat(events(all.awaitChanges(4))).containsExactly(
          ev(Type.ADDED, a), ev(Type.ADDED, otherNs), ev(Type.MODIFIED, a2), ev(Type.DELETED, gone));
    }

    @Test
    void namespaceFiltering() {
      long start = rev();
      Recorder w = watch(DASHBOARDS, WatchOptions.since("ns1", start));
      create(dash("ns1-x", "a"));
      create(dash("ns10", "a"));
      create(FOLDERS.key("ns1", "a"));
      StoredObject a = create(dash("ns1", "a"));
      create(dash("ns", "a"));
      StoredObject b = create(dash("ns1", "b"));
      assertThat(events(w.awaitChanges(2))).containsExactly(ev(Type.ADDED, a), ev(Type.ADDED, b));
      StoredObject c = create(dash("ns1", "c"));
      assertThat(events(w.awaitChanges(3))).containsExactly(ev(Type.ADDED, a), ev(Type.ADDED, b), ev(Type.ADDED, c));
    }

    @Test
    void compactedStartRevisionEndsTheWatch() {
      StoredObject a = create(dash("ns1", "a"));
      for (int i = 0; i < 3; i++) {
        setSpec(dash("ns1", "a"), "n", i + 1);
      }
      await(kv.compact(await(kv.currentRevision())));
      Recorder old = watch(DASHBOARDS, WatchOptions.since(null, a.resourceVersion()));
      StorageException e = old.awaitClose();
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(StorageErrorCode.COMPACTED);
      // a watch from "now" after the compaction works, and the ended one receives nothing more
      Recorder now = watch(DASHBOARDS, fromNow());
      StoredObject b = create(dash("ns1", "b"));
      assertThat(events(now.awaitChanges(1))).containsExactly(ev(Type.ADDED, b));
      assertThat(old.events).isEmpty();
      assertThat(old.closeCalls).hasValue(1);
      old.watch.close();
      assertThat(old.closeCalls).hasValue(1);
      old.checkCalls();
    }

    @Test
    void closeEndsWithExactlyOneOnCloseNull() {
      Recorder w = watch(DASHBOARDS, fromNow());
      StoredObject a = create(dash("ns1", "a"));
      w.awaitChanges(1);
      w.watch.close();
      assertThat(w.awaitClose()).isNull();
      w.watch.close();
      Recorder witness = watch(DASHBOARDS, fromNow());
      StoredObject b = create(dash("ns1", "b"));
      assertThat(events(witness.awaitChanges(1))).containsExactly(ev(Type.ADDED, b));
      assertThat(events(w.events)).containsExactly(ev(Type.ADDED, a));
      assertThat(w.closeCalls).hasValue(1);
      w.checkCalls();
    }

    @Test
    void closingTheStoreEndsItsWatches() {
      ResourceStore other = openStore(options().build());
      Recorder w = watch(other, DASHBOARDS, fromNow());
      other.close();
      StorageException e = w.awaitClose();
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(StorageErrorCode.UNAVAILABLE);
      assertThat(w.closeCalls).hasValue(1);
    }

    @Test
    void slowListenersDoNotDelayOthersOrWriters() {
      long start = rev();
      List<Recorder> slow = new ArrayList<>();
      CountDownLatch release = gate();
      for (int i = 0; i < 10; i++) {
        Recorder r = new Recorder();
        r.blockOn = release;
        ResourceWatch wt = store.watch(DASHBOARDS, WatchOptions.since(null, start), r);
        r.watch = wt;
        watches.add(wt);
        slow.add(r);
      }
      Recorder fast = watch(DASHBOARDS, WatchOptions.since(null, start));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        expected.add(ev(Type.ADDED, create(dash("ns1", "o" + i))));
      }
      assertThat(events(fast.awaitChanges(30))).containsExactlyElementsOf(expected);
      Awaitility.await().atMost(WAIT).until(() -> slow.stream().allMatch(r -> r.events.size() == 1));
      release.countDown();
      for (Recorder r : slow) {
        assertThat(events(r.awaitChanges(30))).containsExactlyElementsOf(expected);
        r.checkCalls();
      }
    }

    @Test
    void listenerFallingTooFarBehindEndsWithTooSlow() {
      ResourceStore limited = openStore(options().watchQueueLimit(5).build());
      long start = rev();
      CountDownLatch release = gate();
      Recorder slow = new Recorder();
      slow.blockOn = release;
      ResourceWatch wt = limited.watch(DASHBOARDS, WatchOptions.since(null, start), slow);
      slow.watch = wt;
      watches.add(wt);
      // a witness on a store without the small limit: once it has every event, so has the backend's watch
      Recorder fast = watch(DASHBOARDS, WatchOptions.since(null, start));
      int n = 60;
      for (int i = 0; i < n; i++) {
        create(dash("ns1", "o" + i));
      }
      fast.awaitChanges(n);
      release.countDown();
      StorageException e = slow.awaitClose();
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(StorageErrorCode.TOO_SLOW);
      assertThat(slow.changes().size()).isLessThan(n);
      // delivered events are a gapless prefix
      assertThat(events(slow.changes())).isEqualTo(events(fast.changes().subList(0, slow.changes().size())));
      slow.checkCalls();
    }

    @Test
    void concurrentWritersAreSeenExactlyOnceInOrder() throws Exception {
      long start = rev();
      Recorder w = watch(DASHBOARDS, WatchOptions.since(null, start));
      Recorder ns = watch(DASHBOARDS, WatchOptions.since("ns2", start));
      int threads = 6;
      int writes = 20;
      Map<Long, String> acknowledged = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          futures.add(pool.submit(() -> {
            String namespace = "ns" + (thread % 3);
            for (int i = 0; i < writes; i++) {
              ObjectKey key = dash(namespace, "t" + thread + "-" + (i % 4));
              StoredObject o;
              Type type;
              if (i < 4) {
                o = await(store.create(key, bytes(object(key, Map.of(), Map.of("n", i))), ALICE));
                type = Type.ADDED;
              } else if (i >= writes - 4) {
                o = await(store.delete(key, Preconditions.NONE, null, BOB));
                type = Type.DELETED;
              } else {
                int value = i;
                o = await(store.update(key, Preconditions.NONE, c -> {
                  ObjectNode node = json(c);
                  ((ObjectNode) node.get("spec")).put("n", value);
                  return bytes(node);
                }, BOB));
                type = Type.MODIFIED;
              }
              assertThat(acknowledged.put(o.resourceVersion(), ev(type, o))).isNull();
            }
          }));
        }
        for (Future<?> f : futures) {
          f.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      int total = threads * writes;
      List<WatchEvent> events = w.awaitChanges(total);
      assertThat(events).hasSize(total);
      List<Long> rvs = events.stream().map(WatchEvent::resourceVersion).toList();
      assertThat(rvs).isSorted().doesNotHaveDuplicates();
      assertThat(events(events)).containsExactlyElementsOf(new TreeMap<>(acknowledged).values());
      List<String> inNs2 = new TreeMap<>(acknowledged).values().stream().filter(s -> s.contains(" ns2/")).toList();
      assertThat(events(ns.awaitChanges(inNs2.size()))).containsExactlyElementsOf(inNs2);
      w.checkCalls();
    }
  }

  @Nested
  class History {
    @Test
    void everyChangeNewestFirst() {
      MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
      ResourceStore s = openStore(options().clock(clock).build());
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = await(s.create(key, bytes(object(key, Map.of(), Map.of("n", 1))), ALICE));
      clock.set(Instant.parse("2024-05-01T10:01:00Z"));
      StoredObject v2 = await(s.update(key, Preconditions.NONE, c -> bytes(((ObjectNode) json(c)).put("x", 2)), BOB));
      clock.set(Instant.parse("2024-05-01T10:02:00Z"));
      StoredObject v3 = await(s.update(key, Preconditions.NONE, c -> bytes(((ObjectNode) json(c)).put("x", 3)), ALICE));
      clock.set(Instant.parse("2024-05-01T10:03:00Z"));
      StoredObject gone = await(s.delete(key, Preconditions.NONE, null, BOB));
      clock.set(Instant.parse("2024-05-01T10:04:00Z"));
      StoredObject again = await(s.create(key, bytes(object(key, Map.of(), Map.of("n", 9))), new Actor("carol")));
      create(dash("ns1", "ab"));
      create(dash("ns1", "a-b"));

      List<HistoryEntry> entries = await(s.history(key, 0, null)).entries();
      assertThat(entries).extracting(HistoryEntry::action)
          .containsExactly(Action.CREATED, Action.DELETED, Action.UPDATED, Action.UPDATED, Action.CREATED);
      assertThat(entries).extracting(HistoryEntry::user).containsExactly("carol", "bob", "alice", "bob", "alice");
      assertThat(entries).extracting(HistoryEntry::resourceVersion).containsExactly(
          again.resourceVersion(), gone.resourceVersion(), v3.resourceVersion(), v2.resourceVersion(),
          v1.resourceVersion());
      assertThat(entries).extracting(HistoryEntry::time).containsExactly(
          Instant.parse("2024-05-01T10:04:00Z"), Instant.parse("2024-05-01T10:03:00Z"),
          Instant.parse("2024-05-01T10:02:00Z"), Instant.parse("2024-05-01T10:01:00Z"),
          Instant.parse("2024-05-01T10:00:00Z"));
      assertThat(entries.stream().map(e -> summary(e.object())).toList())
          .containsExactly(summary(again), summary(gone), summary(v3), summary(v2), summary(v1));
      assertThat(entries).allSatisfy(e -> assertThat(e.object().resourceVersion()).isEqualTo(e.resourceVersion()));
    }

    @Test
    void pagingReturnsEveryEntryOnce() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      for (int i = 0; i < 6; i++) {
        setSpec(key, "n", i + 1);
      }
      delete(key);
      create(key);
      List<HistoryEntry> all = history(key);
      assertThat(all).hasSize(9);
      assertThat(all.stream().map(HistoryEntry::resourceVersion).toList()).isSortedAccordingTo((x, y) -> Long.compare(y, x));
      List<Long> paged = new ArrayList<>();
      String token = null;
      for (int i = 0; i < 20; i++) {
        HistoryPage page = await(store.history(key, 2, token));
        assertThat(page.entries()).hasSizeLessThanOrEqualTo(2);
        page.entries().forEach(e -> paged.add(e.resourceVersion()));
        token = page.continueToken();
        if (token == null) {
          break;
        }
      }
      assertThat(token).isNull();
      assertThat(paged).containsExactlyElementsOf(all.stream().map(HistoryEntry::resourceVersion).toList());
      assertThat(await(store.history(dash("ns1", "never"), 0, null)).entries()).isEmpty();
    }

    @Test
    void survivesCompaction() {
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = create(key);
      StoredObject v2 = setSpec(key, "n", 1);
      StoredObject gone = delete(key);
      List<Summary> before = history(key).stream().map(e -> summary(e.object())).toList();
      assertThat(before).containsExactly(summary(gone), summary(v2), summary(v1));
      await(kv.compact(await(kv.currentRevision())));
      assertThat(history(key).stream().map(e -> summary(e.object())).toList()).isEqualTo(before);
    }

    @Test
    void oneChangeByResourceVersionAlsoAfterCompaction() {
      ObjectKey key = dash("ns1", "a");
      create(dash("ns1", "a-b"));
      create(key);
      setSpec(key, "n", 1);
      delete(key);
      create(key);
      setSpec(dash("ns1", "a-b"), "n", 2);
      List<HistoryEntry> all = history(key);
      await(kv.compact(await(kv.currentRevision())));
      for (HistoryEntry entry : all) {
        HistoryEntry one = await(store.change(key, entry.resourceVersion()));
        assertThat(one.action()).isEqualTo(entry.action());
        assertThat(one.user()).isEqualTo(entry.user());
        assertThat(one.time()).isEqualTo(entry.time());
        assertThat(summary(one.object())).isEqualTo(summary(entry.object()));
      }
      long otherObjectsChange = await(store.get(dash("ns1", "a-b"), 0)).resourceVersion();
      assertCode(store.change(key, otherObjectsChange), StorageErrorCode.NOT_FOUND);
      assertCode(store.change(key, all.get(all.size() - 1).resourceVersion() - 1), StorageErrorCode.NOT_FOUND);
      assertCode(store.change(key, 0), StorageErrorCode.NOT_FOUND);
      assertCode(store.change(key, Long.MAX_VALUE), StorageErrorCode.NOT_FOUND);
      assertCode(store.change(dash("ns1", "never"), all.get(0).resourceVersion()), StorageErrorCode.NOT_FOUND);
    }
  }

  @Nested
  class Trash {
    @Test
    void deletedObjectsAreListedUntilRecreated() {
      MutableClock clock = new MutableClock(Instant.parse("2024-06-01T00:00:00Z"));
      ResourceStore s = openStore(options().clock(clock).build());
      ObjectKey a = dash("ns1", "a");
      ObjectKey b = dash("ns1", "b");
      await(s.create(a, bytes(object(a, Map.of(), Map.of())), ALICE));
      StoredObject lastA = await(s.update(a, Preconditions.NONE, c -> bytes(((ObjectNode) json(c)).put("x", 1)), ALICE));
      StoredObject lastB = await(s.create(b, bytes(object(b, Map.of(), Map.of())), ALICE));
      await(s.create(dash("ns1", "c"), bytes(object(dash("ns1", "c"), Map.of(), Map.of())), ALICE));
      clock.set(Instant.parse("2024-06-01T01:00:00Z"));
      StoredObject goneB = await(s.delete(b, Preconditions.NONE, null, BOB));
      clock.set(Instant.parse("2024-06-01T02:00:00Z"));
      StoredObject goneA = await(s.delete(a, Preconditions.NONE, null, new Actor("carol")));

      TrashPage page = await(s.trash(DASHBOARDS, "ns1", 0, null));
      assertThat(page.continueToken()).isNull();
      assertThat(page.entries()).extracting(TrashEntry::key).containsExactly(a, b);
      TrashEntry ta = page.entries().get(0);
      assertThat(ta.deletedRevision()).isEqualTo(goneA.resourceVersion());
      assertThat(ta.deletedBy()).isEqualTo("carol");
      assertThat(ta.deletedAt()).isEqualTo(Instant.parse("2024-06-01T02:00:00Z"));
      assertThat(summary(ta.lastState())).isEqualTo(summary(lastA));
      TrashEntry tb = page.entries().get(1);
      assertThat(tb.deletedRevision()).isEqualTo(goneB.resourceVersion());
      assertThat(tb.deletedBy()).isEqualTo("bob");
      assertThat(tb.deletedAt()).isEqualTo(Instant.parse("2024-06-01T01:00:00Z"));
      assertThat(summary(tb.lastState())).isEqualTo(summary(lastB));

      await(s.create(a, bytes(object(a, Map.of(), Map.of())), ALICE));
      assertThat(await(s.trash(DASHBOARDS, "ns1", 0, null)).entries()).extracting(TrashEntry::key).containsExactly(b);
    }

    @Test
    void oneEntryByKeyUntilRestoredOrRecreated() {
      ObjectKey a = dash("ns1", "a");
      ObjectKey b = dash("ns1", "b");
      StoredObject lastA = create(a);
      StoredObject lastB = create(b);
      create(dash("ns1", "a-b"));
      StoredObject goneA = delete(a);
      delete(b);
      TrashEntry entry = await(store.trashed(a));
      assertThat(entry.key()).isEqualTo(a);
      assertThat(entry.deletedRevision()).isEqualTo(goneA.resourceVersion());
      assertThat(summary(entry.lastState())).isEqualTo(summary(lastA));
      TrashEntry listed = await(store.trash(DASHBOARDS, "ns1", 1, null)).entries().get(0);
      assertThat(entry.deletedBy()).isEqualTo(listed.deletedBy());
      assertThat(entry.deletedAt()).isEqualTo(listed.deletedAt());
      assertCode(store.trashed(dash("ns1", "a-b")), StorageErrorCode.NOT_FOUND);
      assertCode(store.trashed(dash("ns2", "a")), StorageErrorCode.NOT_FOUND);
      create(a);
      await(store.restore(b, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertCode(store.trashed(a), StorageErrorCode.NOT_FOUND);
      assertCode(store.trashed(b), StorageErrorCode.NOT_FOUND);
      assertThat(summary(await(store.get(b, 0))).json().path("spec")).isEqualTo(summary(lastB).json().path("spec"));
    }

    @Test
    void pagingAndNamespaces() {
      List<ObjectKey> keys = new ArrayList<>();
      for (String ns : List.of("ns1", "ns1-x", "ns10")) {
        for (String name : List.of("a", "a-b", "a.c", "ab")) {
          ObjectKey key = dash(ns, name);
          create(key);
          create(dash(ns, name + "-live"));
          keys.add(key);
        }
      }
      for (ObjectKey key : keys) {
        delete(key);
      }
      List<ObjectKey> expected = keys.stream()
          .sorted((x, y) -> (x.namespace() + "/" + x.name()).compareTo(y.namespace() + "/" + y.name())).toList();
      List<ObjectKey> paged = new ArrayList<>();
      String token = null;
      for (int i = 0; i < 30; i++) {
        TrashPage page = await(store.trash(DASHBOARDS, null, 5, token));
        assertThat(page.entries()).hasSizeLessThanOrEqualTo(5);
        page.entries().forEach(e -> paged.add(e.key()));
        token = page.continueToken();
        if (token == null) {
          break;
        }
      }
      assertThat(token).isNull();
      assertThat(paged).containsExactlyElementsOf(expected);
      assertThat(await(store.trash(DASHBOARDS, "ns1", 0, null)).entries()).extracting(TrashEntry::key)
          .containsExactlyElementsOf(expected.stream().filter(k -> k.namespace().equals("ns1")).toList());
      assertThat(await(store.trash(DASHBOARDS, "ns1-x", 0, null)).entries()).extracting(TrashEntry::key)
          .containsExactlyElementsOf(expected.stream().filter(k -> k.namespace().equals("ns1-x")).toList());
      assertThat(await(store.trash(FOLDERS, null, 0, null)).entries()).isEmpty();
    }
  }

  @Nested
  class Restore {
    @Test
    void fromTheTrash() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      StoredObject last = setSpec(key, "n", 4);
      StoredObject gone = delete(key);
      StoredObject restored = await(store.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertThat(rvField(restored)).isGreaterThan(gone.resourceVersion());
      assertThat(content(restored)).isEqualTo(content(last));
      assertThat(summary(get(key))).isEqualTo(summary(restored));
      HistoryEntry newest = history(key).get(0);
      assertThat(newest.action()).isEqualTo(Action.RESTORED);
      assertThat(newest.user()).isEqualTo("alice");
      assertThat(newest.resourceVersion()).isEqualTo(restored.resourceVersion());
      assertThat(await(store.trash(DASHBOARDS, "ns1", 0, null)).entries()).isEmpty();
      // nothing left in the trash
      delete(dash("ns1", "a"));
      await(store.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertCode(store.restore(dash("ns1", "never"), 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE),
          StorageErrorCode.NOT_FOUND);
    }

    @Test
    void prepareFunctionShapesTheRestoredObject() {
      ObjectKey key = dash("ns1", "a");
      StoredObject last = create(key);
      delete(key);
      List<StoredObject> currents = new CopyOnWriteArrayList<>();
      StoredObject restored = await(store.restore(key, 0, Preconditions.NONE, (source, current) -> {
        currents.add(current);
        ObjectNode node = json(source);
        ((ObjectNode) node.get("metadata")).put("uid", "new-uid");
        return bytes(node);
      }, ALICE));
      assertThat(currents).containsOnlyNulls().isNotEmpty();
      assertThat(json(restored).path("metadata").path("uid").asText()).isEqualTo("new-uid");
      assertThat(json(restored).path("spec")).isEqualTo(json(last).path("spec"));
    }

    @Test
    void fromTheTrashWhenTheNameIsTakenIsAlreadyExists() {
      ObjectKey key = dash("ns1", "a");
      create(key);
      delete(key);
      StoredObject again = create(key, Map.of(), Map.of("n", 2));
      long before = rev();
      StorageException e = failure(store.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertThat(e.code()).isEqualTo(StorageErrorCode.ALREADY_EXISTS);
      assertThat(rev()).isEqualTo(before);
      assertThat(summary(get(key))).isEqualTo(summary(again));
    }

    @Test
    void rollbackToAnOlderVersion() {
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = create(key, Map.of(), Map.of("n", 1));
      StoredObject v2 = setSpec(key, "n", 2);
      StoredObject v3 = setSpec(key, "n", 3);
      StoredObject rolled = await(store.restore(key, v1.resourceVersion(), Preconditions.resourceVersion(v3.resourceVersion()),
          RestoreFunction.IDENTITY, BOB));
      assertThat(rolled.resourceVersion()).isGreaterThan(v3.resourceVersion());
      assertThat(content(rolled)).isEqualTo(content(v1));
      assertThat(summary(get(key))).isEqualTo(summary(rolled));
      assertThat(history(key)).extracting(HistoryEntry::action)
          .containsExactly(Action.RESTORED, Action.UPDATED, Action.UPDATED, Action.CREATED);
      // from a revision at which v2 was current
      StoredObject back = await(store.restore(key, v2.resourceVersion(), Preconditions.NONE, RestoreFunction.IDENTITY, BOB));
      assertThat(content(back)).isEqualTo(content(v2));
    }

    @Test
    void rollbackWithAStaleExpectedVersionIsConflict() {
      ObjectKey key = dash("ns1", "a");
      StoredObject v1 = create(key, Map.of(), Map.of("n", 1));
      StoredObject v2 = setSpec(key, "n", 2);
      StoredObject v3 = setSpec(key, "n", 3);
      long before = rev();
      assertCode(store.restore(key, v1.resourceVersion(), Preconditions.resourceVersion(v2.resourceVersion()),
          RestoreFunction.IDENTITY, BOB), StorageErrorCode.CONFLICT);
      assertThat(rev()).isEqualTo(before);
      assertThat(summary(get(key))).isEqualTo(summary(v3));
    }

    @Test
    void revisionWithoutAVersionIsNotFound() {
      long before = rev();
      create(dash("ns1", "other"));
      ObjectKey key = dash("ns1", "a");
      create(key);
      long now = rev();
      assertCode(store.restore(key, before, Preconditions.NONE, RestoreFunction.IDENTITY, BOB),
          StorageErrorCode.NOT_FOUND);
      assertThat(rev()).isEqualTo(now);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // stats helpers

  /** What stats say about one scope, without the latest change: type, namespace, count and bytes. */
  protected record Scoped(ResourceType type, String namespace, long count, long bytes) {}

  protected static Scoped scoped(ResourceStats s) {
    return new Scoped(s.type(), s.namespace(), s.count(), s.bytes());
  }

  /** The bytes stats count for an object: its JSON as stored, that is without {@code metadata.resourceVersion}. */
  protected static long size(StoredObject o) {
    return bytes(content(o)).length;
  }

  /** What stats must say about one scope, from a listing of its objects. */
  protected Scoped listed(ResourceType type, String namespace) {
    String ns = type.namespaced() ? namespace : null;
    List<StoredObject> items = list(type, ns == null ? ListOptions.all() : ListOptions.inNamespace(ns)).items();
    return new Scoped(type, ns == null ? "" : ns, items.size(), items.stream().mapToLong(o -> size(o)).sum());
  }

  /** The one stats entry of a scope, as {@code on} answers it. */
  protected static ResourceStats statsOf(ResourceStore on, ResourceType type, String namespace) {
    List<ResourceStats> all = await(on.stats(type, type.namespaced() ? namespace : null));
    assertThat(all).as("stats of %s in %s", type, namespace).hasSize(1);
    return all.get(0);
  }

  /** Stats of the scope agree with a listing of its objects. */
  protected void assertExact(ResourceStore on, ResourceType type, String namespace) {
    assertThat(scoped(statsOf(on, type, namespace))).isEqualTo(listed(type, namespace));
  }

  protected static ResourceStats stat(ResourceType type, String namespace, long count, long bytes, long latest) {
    return new ResourceStats(type, namespace, count, bytes, latest);
  }

  @Nested
  class Stats {
    @Test
    void countsBytesAndLatestChangePerNamespace() {
      StoredObject a = create(dash("ns1", "a"));
      StoredObject b = create(dash("ns1", "b"), Map.of(), Map.of("text", randomText(100, 1)));
      StoredObject ns1Last = setSpec(a.key(), "n", 1);
      StoredObject c = create(dash("ns2", "a"));
      create(dash("ns2", "b"));
      StoredObject ns2Last = delete(dash("ns2", "b"));
      StoredObject folder = create(FOLDERS.key("ns1", "f"));
      StoredObject org = create(ORGANIZATIONS.key(null, "acme"));

      ResourceStats ns1 = stat(DASHBOARDS, "ns1", 2, size(ns1Last) + size(b), ns1Last.resourceVersion());
      ResourceStats ns2 = stat(DASHBOARDS, "ns2", 1, size(c), ns2Last.resourceVersion());
      ResourceStats folders = stat(FOLDERS, "ns1", 1, size(folder), folder.resourceVersion());
      ResourceStats orgs = stat(ORGANIZATIONS, "", 1, size(org), org.resourceVersion());
      assertThat(await(store.stats(DASHBOARDS, "ns1"))).containsExactly(ns1);
      assertThat(await(store.stats(DASHBOARDS, "ns2"))).containsExactly(ns2);
      assertThat(await(store.stats(DASHBOARDS, null))).containsExactlyInAnyOrder(ns1, ns2);
      assertThat(await(store.stats(ORGANIZATIONS, null))).containsExactly(orgs);
      assertThat(await(store.stats(null, null))).containsExactlyInAnyOrder(ns1, ns2, folders, orgs);
      assertThat(await(store.stats(null, "ns1"))).containsExactlyInAnyOrder(ns1, folders);
      assertThat(await(store.stats(FOLDERS, "ns2"))).isEmpty();
      assertThat(await(store.stats(ORGANIZATIONS, "ns1"))).as("a namespace excludes cluster-scoped types").isEmpty();
    }

    @Test
    void storedSizeIsWhatAWriteCounts() {
      ObjectKey key = DASHBOARDS.key("sized", "a");
      byte[] spaced = ("{ \"metadata\" : { \"name\" : \"a\", \"resourceVersion\" : \"99\" },\n"
          + "  \"spec\" : { \"text\" : \"caf\u00e9\" } }").getBytes(UTF_8);
      StoredObject created = await(store.create(key, spaced, ALICE));
      assertThat(ResourceStats.storedSize(key, spaced))
          .isEqualTo(statsOf(store, DASHBOARDS, "sized").bytes())
          .isEqualTo(ResourceStats.storedSize(key, created.json()))
          .isLessThan(spaced.length);
      assertThatThrownBy(() -> ResourceStats.storedSize(DASHBOARDS.key("sized", "b"), spaced))
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
    }

    @Test
    void followEveryKindOfChange() {
      ObjectKey a = dash("ns1", "a");
      StoredObject created = create(a);
      assertThat(size(created)).as("the JSON as stored: without the resourceVersion spliced in on reads")
          .isEqualTo(created.json().length - ("\"resourceVersion\":\"" + created.resourceVersion() + "\",").length());
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 1, size(created), created.resourceVersion()));

      StoredObject grown = setSpec(a, "text", randomText(500, 1));
      assertThat(size(grown)).isGreaterThan(size(created));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 1, size(grown), grown.resourceVersion()));

      StoredObject shrunk = modify(a, node -> {
        ((ObjectNode) node.get("spec")).remove("text");
        return node;
      });
      assertThat(size(shrunk)).isLessThan(size(grown));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 1, size(shrunk), shrunk.resourceVersion()));

      StoredObject noop = await(store.update(a, Preconditions.NONE, StoredObject::json, BOB));
      assertThat(noop.resourceVersion()).isEqualTo(shrunk.resourceVersion());
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 1, size(shrunk), shrunk.resourceVersion()));

      StoredObject b = create(dash("ns1", "b"), Map.of(), Map.of("text", randomText(70, 2)));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(shrunk) + size(b), b.resourceVersion()));

      StoredObject gone = delete(a);
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 1, size(b), gone.resourceVersion()));

      StoredObject restored = await(store.restore(a, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertThat(size(restored)).isEqualTo(size(shrunk));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(b) + size(restored), restored.resourceVersion()));

      delete(a);
      StoredObject recreated = create(a, Map.of(), Map.of("text", randomText(40, 3)));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(b) + size(recreated), recreated.resourceVersion()));

      StoredObject rolledBack = await(store.restore(a, grown.resourceVersion(), Preconditions.NONE,
          RestoreFunction.IDENTITY, BOB));
      assertThat(size(rolledBack)).isEqualTo(size(grown));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(b) + size(rolledBack), rolledBack.resourceVersion()));

      create(dash("ns1-x", "z"));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(b) + size(rolledBack), rolledBack.resourceVersion()));
      assertExact(store, DASHBOARDS, "ns1");
    }

    @Test
    void largeObjectsInChunksCountTheirWholeSize() {
      ResourceStore chunked = openStore(options().inlineLimit(4096).chunkSize(4096).build());
      ObjectKey key = dash("ns1", "big");
      StoredObject big = await(chunked.create(key, bytes(object(key, Map.of(), Map.of("data", randomText(20_000, 1)))),
          ALICE));
      long storedValue = await(kv.get(keyPrefix + "/registry/demo.revisor.io/dashboards/ns1/big")).value().length;
      assertThat(storedValue).as("the object key holds chunk references only").isLessThan(4096);
      StoredObject small = await(chunked.create(dash("ns1", "small"), bytes(object(dash("ns1", "small"), Map.of(),
          Map.of())), ALICE));
      assertThat(statsOf(chunked, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(big) + size(small), small.resourceVersion()));

      List<StoredObject> versions = new ArrayList<>();
      for (int length : new int[] {50_000, 10, 30_000}) {
        StoredObject v = await(chunked.update(key, Preconditions.NONE,
            c -> bytes(json(c).set("spec", MAPPER.valueToTree(Map.of("data", randomText(length, length))))),
            BOB));
        versions.add(v);
        assertThat(scoped(statsOf(chunked, DASHBOARDS, "ns1")))
            .isEqualTo(new Scoped(DASHBOARDS, "ns1", 2, size(v) + size(small)));
      }
      await(chunked.delete(key, Preconditions.NONE, null, BOB));
      assertThat(scoped(statsOf(chunked, DASHBOARDS, "ns1"))).isEqualTo(new Scoped(DASHBOARDS, "ns1", 1, size(small)));
      StoredObject restored = await(chunked.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertThat(size(restored)).isEqualTo(size(versions.get(2)));
      assertThat(statsOf(store, DASHBOARDS, "ns1"))
          .isEqualTo(stat(DASHBOARDS, "ns1", 2, size(restored) + size(small), restored.resourceVersion()));
      assertExact(store, DASHBOARDS, "ns1");
    }

    /** The store has no dry-run mode (the API layer answers dryRun without calling it): these are its non-writes. */
    @Test
    void writesThatFailOrChangeNothingLeaveTheFiguresAlone() {
      ObjectKey a = dash("ns1", "a");
      StoredObject v1 = create(a, Map.of(), Map.of("n", 1));
      StoredObject v2 = setSpec(a, "n", 2);
      ObjectKey b = dash("ns1", "b");
      create(b);
      delete(b);
      create(ORGANIZATIONS.key(null, "acme"));
      List<ResourceStats> before = await(store.stats(null, null));
      long revision = rev();
      ResourceStore limited = openStore(options().maxObjectBytes(400).build());

      assertCode(store.create(a, bytes(object(a, Map.of(), Map.of())), ALICE), StorageErrorCode.ALREADY_EXISTS);
      ObjectKey huge = dash("ns1", "huge");
      assertCode(limited.create(huge, bytes(object(huge, Map.of(), Map.of("data", randomText(1000, 1)))), ALICE),
          StorageErrorCode.TOO_LARGE);
      assertCode(limited.update(a, Preconditions.NONE, c -> bytes(json(c).put("data", randomText(1000, 2))), BOB),
          StorageErrorCode.TOO_LARGE);
      assertCode(store.update(a, Preconditions.resourceVersion(v1.resourceVersion()), StoredObject::json, BOB),
          StorageErrorCode.CONFLICT);
      assertThat(rawFailure(store.update(a, Preconditions.NONE, c -> {
        throw new Boom("denied by admission");
      }, BOB))).isInstanceOf(Boom.class);
      assertThat(await(store.update(a, Preconditions.NONE, StoredObject::json, BOB)).resourceVersion())
          .isEqualTo(v2.resourceVersion());
      assertCode(store.update(dash("ns1", "missing"), Preconditions.NONE, StoredObject::json, BOB),
          StorageErrorCode.NOT_FOUND);
      assertCode(store.delete(a, Preconditions.resourceVersion(v1.resourceVersion()), null, BOB),
          StorageErrorCode.CONFLICT);
      assertThat(rawFailure(store.delete(a, Preconditions.NONE, o -> {
        throw new Boom("finalizers pending");
      }, BOB))).isInstanceOf(Boom.class);
      assertCode(store.delete(dash("ns1", "missing"), Preconditions.NONE, null, BOB), StorageErrorCode.NOT_FOUND);
      assertCode(store.restore(a, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE),
          StorageErrorCode.ALREADY_EXISTS);
      assertCode(store.restore(a, v1.resourceVersion(), Preconditions.resourceVersion(v1.resourceVersion()),
          RestoreFunction.IDENTITY, BOB), StorageErrorCode.CONFLICT);
      assertThat(rawFailure(store.restore(b, 0, Preconditions.NONE, (source, current) -> {
        throw new Boom("not allowed");
      }, ALICE))).isInstanceOf(Boom.class);
      assertCode(store.restore(dash("ns1", "never"), 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE),
          StorageErrorCode.NOT_FOUND);

      assertThat(rev()).isEqualTo(revision);
      assertThat(await(store.stats(null, null))).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void namespacesAndTypesAreKeptApart() {
      create(dash("ns1", "a"), Map.of(), Map.of("text", randomText(10, 1)));
      create(dash("ns1-x", "a"), Map.of(), Map.of("text", randomText(100, 2)));
      create(dash("ns10", "a"), Map.of(), Map.of("text", randomText(1000, 3)));
      create(dash("ns10", "b"));
      create(FOLDERS.key("ns1", "a"), Map.of(), Map.of("text", randomText(300, 4)));
      create(ORGANIZATIONS.key(null, "acme"), Map.of(), Map.of("text", randomText(30, 5)));
      delete(dash("ns10", "b"));

      Scoped ns1 = listed(DASHBOARDS, "ns1");
      Scoped ns1x = listed(DASHBOARDS, "ns1-x");
      Scoped ns10 = listed(DASHBOARDS, "ns10");
      Scoped folders = listed(FOLDERS, "ns1");
      Scoped orgs = listed(ORGANIZATIONS, null);
      assertThat(List.of(ns1, ns1x, ns10, folders, orgs)).extracting(Scoped::bytes).doesNotHaveDuplicates();
      assertThat(scoped(statsOf(store, DASHBOARDS, "ns1"))).isEqualTo(ns1);
      assertThat(scoped(statsOf(store, DASHBOARDS, "ns1-x"))).isEqualTo(ns1x);
      assertThat(scoped(statsOf(store, DASHBOARDS, "ns10"))).isEqualTo(ns10);
      assertThat(scoped(statsOf(store, FOLDERS, "ns1"))).isEqualTo(folders);
      assertThat(scoped(statsOf(store, ORGANIZATIONS, null))).isEqualTo(orgs);
      assertThat(await(store.stats(DASHBOARDS, null))).extracting(s -> scoped(s))
          .containsExactlyInAnyOrder(ns1, ns1x, ns10);
      assertThat(await(store.stats(null, "ns1"))).extracting(s -> scoped(s)).containsExactlyInAnyOrder(ns1, folders);
      assertThat(await(store.stats(null, null))).extracting(s -> scoped(s))
          .containsExactlyInAnyOrder(ns1, ns1x, ns10, folders, orgs);
    }

    /**
     * 8 writers x 50 writes in one namespace, half through a second store on the same backend (another replica):
     * creates, growing and shrinking updates, deletes and restores of each writer's own objects, and increments of
     * one shared object. Every object is checked, and the figures must equal the sum of what the writers wrote.
     */
    @Test
    void concurrentWritersInOneNamespaceLoseNothing() throws Exception {
      ResourceStore replica = openStore(options().build());
      ObjectKey shared = dash("ns1", "shared");
      create(shared, Map.of(), Map.of("n", 0));
      int writers = 8;
      int writes = 50;
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      Map<ObjectKey, Long> live = new ConcurrentHashMap<>();
      AtomicInteger increments = new AtomicInteger();
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          ResourceStore on = writer % 2 == 0 ? store : replica;
          futures.add(pool.submit(() -> write(on, writer, writes, live, increments)));
        }
        for (Future<?> f : futures) {
          f.get(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      StoredObject counter = get(shared);
      assertThat(json(counter).path("spec").path("n").asInt()).as("no lost increment").isEqualTo(increments.get());
      live.put(shared, size(counter));
      long bytes = live.values().stream().mapToLong(Long::longValue).sum();
      Scoped expected = new Scoped(DASHBOARDS, "ns1", live.size(), bytes);
      assertThat(listed(DASHBOARDS, "ns1")).isEqualTo(expected);
      assertThat(scoped(statsOf(store, DASHBOARDS, "ns1"))).isEqualTo(expected);
      assertThat(statsOf(replica, DASHBOARDS, "ns1")).isEqualTo(statsOf(store, DASHBOARDS, "ns1"));
      assertThat(statsOf(store, DASHBOARDS, "ns1").latestResourceVersion()).isEqualTo(rev());
    }

    /** One writer's part of {@link #concurrentWritersInOneNamespaceLoseNothing}; checks each of its writes. */
    private void write(ResourceStore on, int writer, int writes, Map<ObjectKey, Long> live, AtomicInteger increments) {
      Random random = new Random(writer);
      List<ObjectKey> mine = new ArrayList<>();
      List<ObjectKey> deleted = new ArrayList<>();
      for (int i = 0; i < writes; i++) {
        int dice = random.nextInt(100);
        if (mine.isEmpty() || dice < 25) {
          ObjectKey key = dash("ns1", "w" + writer + "-" + i);
          StoredObject o = await(on.create(key, bytes(object(key, Map.of(), Map.of("text",
              randomText(random.nextInt(2000), random.nextLong())))), ALICE));
          mine.add(key);
          live.put(key, size(o));
        } else if (dice < 55) {
          ObjectKey key = mine.get(random.nextInt(mine.size()));
          String text = randomText(random.nextInt(2000), random.nextLong());
          StoredObject o = await(on.update(key, Preconditions.NONE, c -> {
            ObjectNode node = json(c);
            ((ObjectNode) node.get("spec")).put("text", text);
            return bytes(node);
          }, BOB));
          assertThat(json(o).path("spec").path("text").asText()).isEqualTo(text);
          live.put(key, size(o));
        } else if (dice < 70) {
          ObjectKey key = mine.remove(random.nextInt(mine.size()));
          await(on.delete(key, Preconditions.NONE, null, BOB));
          deleted.add(key);
          live.remove(key);
        } else if (dice < 80 && !deleted.isEmpty()) {
          ObjectKey key = deleted.remove(random.nextInt(deleted.size()));
          StoredObject o = await(on.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
          mine.add(key);
          live.put(key, size(o));
        } else {
          await(on.update(dash("ns1", "shared"), Preconditions.NONE, c -> {
            ObjectNode node = json(c);
            ((ObjectNode) node.get("spec")).put("n", node.path("spec").path("n").asInt() + 1);
            return bytes(node);
          }, BOB));
          increments.incrementAndGet();
        }
      }
    }

    @Test
    void anotherReplicaWritingTheNamespaceNeverMakesAFunctionRunTwice() {
      ResourceStore replica = openStore(options().build());
      ObjectKey a = dash("ns1", "a");
      create(a);
      List<String> calls = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 3; i++) {
        // The replica writes the namespace's counters between two writes of this store, so this store's next write
        // may find a counter it knew changed: it commits again without calling the function again.
        await(replica.create(dash("ns1", "r" + i), bytes(object(dash("ns1", "r" + i), Map.of(), Map.of())), ALICE));
        int round = i;
        await(store.update(a, Preconditions.NONE, c -> {
          calls.add("update " + round);
          return bytes(json(c).put("round", round));
        }, BOB));
      }
      await(replica.create(dash("ns1", "x"), bytes(object(dash("ns1", "x"), Map.of(), Map.of())), ALICE));
      await(store.delete(a, Preconditions.NONE, o -> calls.add("delete check"), BOB));
      await(replica.create(dash("ns1", "y"), bytes(object(dash("ns1", "y"), Map.of(), Map.of())), ALICE));
      await(store.restore(a, 0, Preconditions.NONE, (source, current) -> {
        calls.add("restore");
        return source.json();
      }, ALICE));
      assertThat(calls).containsExactly("update 0", "update 1", "update 2", "delete check", "restore");
      assertExact(store, DASHBOARDS, "ns1");
      assertThat(statsOf(replica, DASHBOARDS, "ns1")).isEqualTo(statsOf(store, DASHBOARDS, "ns1"));
    }

    @Test
    void maintenanceLeavesTheFiguresAlone() {
      MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
      ResourceStore timed = openStore(options().clock(clock).inlineLimit(4096).chunkSize(4096).build());
      ObjectKey big = dash("ns1", "big");
      await(timed.create(big, bytes(object(big, Map.of(), Map.of("data", randomText(10_000, 1)))), ALICE));
      for (int i = 2; i <= 4; i++) {
        String data = randomText(5_000 * i, i);
        await(timed.update(big, Preconditions.NONE, c -> bytes(json(c).put("data", data)), BOB));
      }
      ObjectKey small = dash("ns1", "small");
      await(timed.create(small, bytes(object(small, Map.of(), Map.of())), ALICE));
      await(timed.update(small, Preconditions.NONE, c -> bytes(json(c).put("x", 1)), BOB));
      ObjectKey gone = dash("ns2", "gone");
      await(timed.create(gone, bytes(object(gone, Map.of(), Map.of("data", randomText(9_000, 9)))), ALICE));
      await(timed.delete(gone, Preconditions.NONE, null, BOB));
      List<ResourceStats> before = await(store.stats(null, null));

      clock.set(Instant.parse("2026-01-03T00:00:00Z"));
      Maintenance maintenance = Maintenance.manual(kv, MaintenanceOptions.defaults(keyPrefix).withClock(clock)
          .withIntervals(Duration.ZERO, Duration.ZERO)
          .withRetention(type -> new RetentionPolicy(1, Duration.ofHours(1), Duration.ofHours(1))));
      Maintenance.PruneReport report = maintenance.pruneOnce();
      assertThat(report.versionsDeleted()).isPositive();
      assertThat(report.trashDeleted()).isEqualTo(1);
      assertThat(report.chunksDeleted()).isPositive();
      maintenance.compactOnce();
      create(dash("ns3", "later"));
      assertThat(maintenance.compactOnce()).isPositive();

      assertThat(await(store.stats(DASHBOARDS, "ns1"))).containsExactlyElementsOf(
          before.stream().filter(s -> s.namespace().equals("ns1")).toList());
      assertThat(await(store.stats(DASHBOARDS, "ns2"))).containsExactlyElementsOf(
          before.stream().filter(s -> s.namespace().equals("ns2")).toList());
      assertExact(store, DASHBOARDS, "ns1");
      assertExact(store, DASHBOARDS, "ns2");
    }
  }

  /**
   * Stores written before counters existed: their objects are counted once, at the first open with counters, and
   * stats stay exact before that ends and when a store without counters keeps writing (a rolling upgrade).
   */
  @Nested
  class Backfill {
    private final List<ObjectKey> scopes = List.of(
        dash("ns1", "x"), dash("ns2", "x"), FOLDERS.key("ns1", "x"), ORGANIZATIONS.key(null, "x"));

    /**
     * Updates {@code key} until the mark that this test's key space needs no backfill appears (the store adds it to
     * its first write once its check at open is done).
     *
     * @return the resourceVersions written meanwhile
     */
    private Set<Long> updateUntilMarked(ObjectKey key) {
      Set<Long> written = new HashSet<>();
      AtomicInteger round = new AtomicInteger();
      Awaitility.await().atMost(WAIT).until(() -> {
        written.add(setSpec(key, "round", round.incrementAndGet()).resourceVersion());
        return await(kv.get(backfillMark())) != null;
      });
      return written;
    }

    /** Objects of every shape in four scopes: chunked and inline, updated, deleted, restored. */
    private void writeObjects() {
      create(dash("ns1", "a"));
      updateUntilMarked(dash("ns1", "a"));
      ResourceStore chunked = openStore(options().inlineLimit(4096).chunkSize(4096).build());
      ObjectKey big = dash("ns1", "big");
      await(chunked.create(big, bytes(object(big, Map.of(), Map.of("data", randomText(20_000, 1)))), ALICE));
      await(chunked.update(big, Preconditions.NONE, c -> bytes(json(c).put("data", randomText(30_000, 2))), BOB));
      setSpec(dash("ns1", "a"), "text", randomText(300, 3));
      create(dash("ns1", "b"));
      delete(dash("ns1", "b"));
      create(dash("ns1", "c"));
      delete(dash("ns1", "c"));
      await(store.restore(dash("ns1", "c"), 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      create(dash("ns2", "a"), Map.of(), Map.of("text", randomText(50, 4)));
      create(FOLDERS.key("ns1", "f"));
      create(ORGANIZATIONS.key(null, "acme"));
      create(ORGANIZATIONS.key(null, "initech"));
    }

    /**
     * Leaves this test's keys as a store without counters would: no counter keys, no backfill mark, and the stats
     * marker of each scope, touched last.
     *
     * @return the revision of the markers, the scopes' latest change
     */
    private long downgrade() {
      String root = keyPrefix + "/stats/";
      Set<String> markers = new TreeSet<>();
      for (var key : await(kv.range(RangeRequest.prefix(root).withKeysOnly())).kvs()) {
        String[] parts = key.key().substring(root.length()).split("/");
        markers.add(root + parts[0] + "/" + parts[1] + "/" + parts[2]);
      }
      assertThat(markers).hasSize(scopes.size());
      await(kv.txn(TxnRequest.when(List.of(), List.of(
          new KvOp.Delete(KeyRange.prefix(root), false), KvOp.delete(backfillMark())))));
      List<KvOp> touch = markers.stream().map(m -> (KvOp) KvOp.put(m, new byte[0])).toList();
      return await(kv.txn(TxnRequest.when(List.of(), touch))).revision();
    }

    private String backfillMark() {
      return keyPrefix + "/meta/stats-backfill";
    }

    private void awaitBackfill() {
      Awaitility.await().atMost(WAIT).until(() -> {
        var mark = await(kv.get(backfillMark()));
        return mark != null && new String(mark.value(), UTF_8).startsWith(scopes.size() + " scopes at revision ");
      });
    }

    private String marker(ObjectKey scope) {
      String group = scope.type().group().isEmpty() ? "core" : scope.type().group();
      return keyPrefix + "/stats/" + group + "/" + scope.type().resource() + "/"
          + (scope.type().namespaced() ? scope.namespace() : "_cluster");
    }

    private void assertAllExact(ResourceStore on, long latest) {
      for (ObjectKey scope : scopes) {
        ResourceStats stats = statsOf(on, scope.type(), scope.namespace());
        assertThat(scoped(stats)).isEqualTo(listed(scope.type(), scope.namespace()));
        if (latest != 0) {
          assertThat(stats.latestResourceVersion()).isEqualTo(latest);
        }
      }
    }

    @Test
    void aKeySpaceWithNothingToBackfillIsMarkedByAWriteOfItsOwn() {
      ObjectKey a = dash("ns1", "a");
      Set<Long> written = new HashSet<>(Set.of(create(a).resourceVersion()));
      written.addAll(updateUntilMarked(a));
      var mark = await(kv.get(backfillMark()));
      assertThat(new String(mark.value(), UTF_8)).startsWith("none needed at revision ");
      assertThat(written).as("the mark is written in a mutation's transaction, never on its own")
          .contains(mark.modRevision());
      long before = rev();
      ResourceStore later = openStore(options().build());
      assertExact(later, DASHBOARDS, "ns1");
      assertThat(rev()).isEqualTo(before);
    }

    @Test
    void objectsWrittenWithoutCountersAreCountedOnceAtOpenInSmallTransactions() {
      writeObjects();
      long markers = downgrade();
      RecordingKv recording = new RecordingKv(kv);
      ResourceStore upgraded = ResourceStore.open(recording, options().build());
      extraStores.add(upgraded);
      awaitBackfill();

      assertAllExact(upgraded, markers);
      List<TxnRequest> writes = recording.txns.stream().filter(t -> TxnRequest.writes(t.success())).toList();
      assertThat(writes).as("one base per scope, then the mark").hasSize(scopes.size() + 1);
      assertThat(recording.txns).allSatisfy(t -> {
        assertThat(t.compares()).hasSizeLessThanOrEqualTo(1);
        assertThat(t.success().size() + t.failure().size()).isLessThanOrEqualTo(2);
      });
      for (ObjectKey scope : scopes) {
        assertThat(await(kv.get(marker(scope) + "/base"))).as("base of %s", scope).isNotNull();
      }

      // Later changes count on top of the bases, through either store.
      ObjectKey a = dash("ns1", "a");
      await(upgraded.update(a, Preconditions.NONE, c -> bytes(json(c).put("more", randomText(99, 5))), BOB));
      delete(dash("ns1", "c"));
      create(dash("ns2", "new"));
      await(upgraded.delete(ORGANIZATIONS.key(null, "acme"), Preconditions.NONE, null, BOB));
      assertAllExact(upgraded, 0);
      assertAllExact(store, 0);
    }

    @Test
    void concurrentOpenersAgreeAndStatsAreExactBeforeTheBackfillEnds() {
      writeObjects();
      long markers = downgrade();
      List<ResourceStore> openers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        openers.add(openStore(options().build()));
      }
      for (ResourceStore opener : openers) {
        assertAllExact(opener, markers);
      }
      // Which opener (or stats read) writes each base is a race; every scope ends with one for its marker.
      Awaitility.await().atMost(WAIT).until(() -> scopes.stream().allMatch(scope -> {
        var base = await(kv.get(marker(scope) + "/base"));
        return base != null && new String(base.value(), UTF_8).endsWith(" " + markers);
      }));
      create(dash("ns1", "after"));
      for (ResourceStore opener : openers) {
        assertAllExact(opener, 0);
      }
    }

    @Test
    void aStoreWithoutCountersWritingAfterTheBackfillIsCountedWhenRead() {
      writeObjects();
      downgrade();
      ResourceStore upgraded = openStore(options().build());
      awaitBackfill();
      assertAllExact(upgraded, 0);

      // An old replica creates one object and deletes another, as it did: object keys and the stats marker only.
      String ns1 = keyPrefix + "/registry/demo.revisor.io/dashboards/ns1/";
      byte[] copied = await(kv.get(ns1 + "a")).value();
      await(kv.txn(TxnRequest.when(List.of(), List.of(KvOp.put(ns1 + "old", copied),
          KvOp.put(marker(dash("ns1", "x")), new byte[0])))));
      long legacy = await(kv.txn(TxnRequest.when(List.of(), List.of(KvOp.delete(ns1 + "c"),
          KvOp.put(marker(dash("ns1", "x")), new byte[0]))))).revision();

      assertThat(listed(DASHBOARDS, "ns1").count()).isEqualTo(3);
      ResourceStats stats = statsOf(upgraded, DASHBOARDS, "ns1");
      assertThat(scoped(stats)).isEqualTo(listed(DASHBOARDS, "ns1"));
      assertThat(stats.latestResourceVersion()).isEqualTo(legacy);
      assertThat(new String(await(kv.get(marker(dash("ns1", "x")) + "/base")).value(), UTF_8))
          .as("the base now accounts for the old replica's writes").endsWith(" " + legacy);

      StoredObject later = setSpec(dash("ns1", "a"), "n", 7);
      assertThat(statsOf(upgraded, DASHBOARDS, "ns1").latestResourceVersion()).isEqualTo(later.resourceVersion());
      assertAllExact(upgraded, 0);
      assertAllExact(store, 0);
    }
  }

  /** A client of the shared backend that records every transaction; closing it leaves the backend's client open. */
  protected static final class RecordingKv extends io.revisor.storage.testing.ForwardingKvStore {
    final List<TxnRequest> txns = new CopyOnWriteArrayList<>();

    RecordingKv(KvStore delegate) {
      super(delegate);
    }

    @Override
    public CompletionStage<TxnResult> txn(TxnRequest request) {
      txns.add(request);
      return super.txn(request);
    }
  }

  @Nested
  class LargeObjects {
    static Stream<Arguments> sizes() {
      return Stream.of(
          Arguments.of(named("2 MiB (above etcd's request limit)", 2 * 1024 * 1024)),
          Arguments.of(named("16 MiB", 16 * 1024 * 1024)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void roundTrip(int size) {
      ObjectKey key = dash("ns1", "big");
      String data = randomText(size, size);
      long start = rev();
      Recorder w = watch(DASHBOARDS, WatchOptions.since("ns1", start));
      StoredObject created = create(key, Map.of("size", "big"), Map.of("data", data));
      assertThat(created.json().length).isGreaterThan(size);
      assertThat(scoped(statsOf(store, DASHBOARDS, "ns1"))).isEqualTo(new Scoped(DASHBOARDS, "ns1", 1, size(created)));
      StoredObject read = get(key);
      assertThat(read.resourceVersion()).isEqualTo(created.resourceVersion());
      assertThat(json(read).path("spec").path("data").asText()).isEqualTo(data);
      assertThat(content(read)).isEqualTo(content(created));

      String data2 = randomText(size, size + 1);
      StoredObject updated = setSpec(key, "data", data2);
      assertThat(json(get(key)).path("spec").path("data").asText()).isEqualTo(data2);
      assertThat(json(await(store.get(key, created.resourceVersion()))).path("spec").path("data").asText())
          .isEqualTo(data);

      StoredObject small = create(dash("ns1", "small"));
      ListResult listed = list(DASHBOARDS, ListOptions.inNamespace("ns1"));
      assertThat(listed.items()).extracting(o -> o.key().name()).containsExactly("big", "small");
      assertThat(content(listed.items().get(0))).isEqualTo(content(updated));
      List<ListResult> paged = pages(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(1));
      assertThat(content(items(paged).get(0))).isEqualTo(content(updated));
      assertThat(summary(items(paged).get(1))).isEqualTo(summary(small));
      assertThat(content(list(DASHBOARDS, ListOptions.all().atRevision(created.resourceVersion())).items().get(0)))
          .isEqualTo(content(created));

      List<HistoryEntry> history = history(key);
      assertThat(history).hasSize(2);
      assertThat(json(history.get(1).object()).path("spec").path("data").asText()).isEqualTo(data);
      assertThat(json(history.get(0).object()).path("spec").path("data").asText()).isEqualTo(data2);

      StoredObject gone = delete(key);
      List<WatchEvent> events = w.awaitChanges(4);
      assertThat(events(events)).containsExactly(
          ev(Type.ADDED, created), ev(Type.MODIFIED, updated), ev(Type.ADDED, small), ev(Type.DELETED, gone));
      assertThat(json(events.get(0).object()).path("spec").path("data").asText()).isEqualTo(data);
      assertThat(json(events.get(1).object()).path("spec").path("data").asText()).isEqualTo(data2);
      assertThat(json(events.get(3).object()).path("spec").path("data").asText()).isEqualTo(data2);

      StoredObject restored = await(store.restore(key, 0, Preconditions.NONE, RestoreFunction.IDENTITY, ALICE));
      assertThat(json(get(key)).path("spec").path("data").asText()).isEqualTo(data2);
      assertThat(restored.resourceVersion()).isGreaterThan(gone.resourceVersion());
    }

    @Test
    void objectsOverTheLimitAreTooLarge() {
      ResourceStore limited = openStore(options().maxObjectBytes(4096).build());
      ObjectKey key = dash("ns1", "a");
      long before = rev();
      assertCode(limited.create(key, bytes(object(key, Map.of(), Map.of("data", randomText(8192, 1)))), ALICE),
          StorageErrorCode.TOO_LARGE);
      assertThat(rev()).isEqualTo(before);
      StoredObject small = await(limited.create(key, bytes(object(key, Map.of(), Map.of("data", "x"))), ALICE));
      long after = rev();
      assertCode(limited.update(key, Preconditions.NONE, c -> bytes(((ObjectNode) json(c)).put("data", randomText(8192, 2))),
          BOB), StorageErrorCode.TOO_LARGE);
      assertThat(rev()).isEqualTo(after);
      assertThat(summary(get(key))).isEqualTo(summary(small));
    }
  }

  @Nested
  class TransformationFailure {
    static Stream<Arguments> garbage() {
      return Stream.of(
          Arguments.of(named("random bytes", (UnaryOperator<byte[]>) v -> {
            byte[] g = new byte[64];
            new Random(7).nextBytes(g);
            return g;
          })),
          Arguments.of(named("empty value", (UnaryOperator<byte[]>) v -> new byte[0])),
          Arguments.of(named("truncated stored value", (UnaryOperator<byte[]>) v -> java.util.Arrays.copyOf(v, v.length / 2))),
          Arguments.of(named("plain JSON array", (UnaryOperator<byte[]>) v -> "[1,2]".getBytes(UTF_8))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void undecodableStoredDataIsInternal(UnaryOperator<byte[]> corrupt) {
      create(dash("ns1", "a"));
      ObjectKey key = dash("ns1", "b");
      create(key);
      create(dash("ns1", "c"));
      String raw = keyPrefix + "/registry/demo.revisor.io/dashboards/ns1/b";
      var stored = await(kv.get(raw));
      assertThat(stored).as("the object's current key %s", raw).isNotNull();
      await(kv.put(raw, corrupt.apply(stored.value())));
      assertCode(store.get(key, 0), StorageErrorCode.INTERNAL);
      assertCode(store.list(DASHBOARDS, ListOptions.inNamespace("ns1")), StorageErrorCode.INTERNAL);
      assertCode(store.list(DASHBOARDS, ListOptions.all()), StorageErrorCode.INTERNAL);
      assertCode(store.list(DASHBOARDS, ListOptions.inNamespace("ns1").withLimit(2)), StorageErrorCode.INTERNAL);
      assertCode(store.list(DASHBOARDS, ListOptions.all().matching(labelEquals("x", "y"))), StorageErrorCode.INTERNAL);
      // other objects stay readable
      assertThat(get(dash("ns1", "a")).key().name()).isEqualTo("a");
    }
  }

  @Nested
  class KeySchema {
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", ".", "..", "a/b", "/", "a\u0000b", "a\nb"})
    void badNamesAndNamespacesAreInvalid(String segment) {
      assertThatThrownBy(() -> dash("ns1", segment)).isInstanceOfSatisfying(StorageException.class,
          e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
      if (!segment.isEmpty()) {
        assertThatThrownBy(() -> dash(segment, "a")).isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
        assertCode(store.list(DASHBOARDS, ListOptions.inNamespace(segment)), StorageErrorCode.INVALID);
      }
      assertThatThrownBy(() -> ORGANIZATIONS.key(null, segment)).isInstanceOfSatisfying(StorageException.class,
          e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
    }

    @Test
    void emptyNamespaceOfANamespacedTypeIsInvalid() {
      assertThatThrownBy(() -> dash("", "a")).isInstanceOfSatisfying(StorageException.class,
          e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
      assertThatThrownBy(() -> dash(null, "a")).isInstanceOfSatisfying(StorageException.class,
          e -> assertThat(e.code()).isEqualTo(StorageErrorCode.INVALID));
    }
  }

  @Nested
  class Durability {
    @Test
    void everythingSurvivesARestart() throws Exception {
      ObjectKey a = dash("ns1", "a");
      create(a);
      StoredObject a2 = setSpec(a, "n", 2);
      StoredObject b = create(dash("ns1", "b"));
      StoredObject c = create(dash("ns2", "c"));
      StoredObject goneC = delete(dash("ns2", "c"));
      StoredObject org = create(ORGANIZATIONS.key(null, "acme"));
      ListResult page1 = list(DASHBOARDS, ListOptions.all().withLimit(1));
      List<Summary> historyA = history(a).stream().map(e -> summary(e.object())).toList();
      List<ResourceStats> stats = await(store.stats(null, null));
      long before = rev();

      restart();

      assertThat(rev()).isEqualTo(before);
      assertThat(summary(get(a))).isEqualTo(summary(a2));
      assertThat(summaries(list(DASHBOARDS, ListOptions.all()).items())).containsExactly(summary(a2), summary(b));
      assertThat(summaries(list(ORGANIZATIONS, ListOptions.all()).items())).containsExactly(summary(org));
      assertThat(history(a).stream().map(e -> summary(e.object())).toList()).isEqualTo(historyA);
      assertThat(await(store.trash(DASHBOARDS, null, 0, null)).entries()).singleElement()
          .satisfies(t -> {
            assertThat(t.deletedRevision()).isEqualTo(goneC.resourceVersion());
            assertThat(summary(t.lastState())).isEqualTo(summary(c));
          });
      assertThat(await(store.stats(null, null))).containsExactlyInAnyOrderElementsOf(stats);
      // a continue token issued before the restart still works
      ListResult page2 = list(DASHBOARDS, ListOptions.all().withLimit(1).withContinue(page1.continueToken()));
      assertThat(summaries(page2.items())).containsExactly(summary(b));
      assertThat(page2.resourceVersion()).isEqualTo(page1.resourceVersion());
      StoredObject d = create(dash("ns1", "d"));
      assertThat(d.resourceVersion()).isGreaterThan(before);
      assertThat(summary(await(store.get(dash("ns1", "a"), a2.resourceVersion())))).isEqualTo(summary(a2));
    }
  }
}
