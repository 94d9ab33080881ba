package io.revisor.bench.client;

import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.http.MediaTypes;
import io.revisor.apiserver.http.ObjectRenderer;
import io.revisor.storage.cache.CacheStats;
import io.revisor.storage.cache.WatchCache;
import io.revisor.storage.cache.WatchCacheOptions;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.etcd.EtcdKvStore;
import io.revisor.storage.kv.etcd.EtcdKvStoreOptions;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.resource.ResourceType;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine;

/**
 * Revisor's storage stack built in this JVM on the server's etcd, as the server builds it: the etcd {@link KvStore},
 * the resource store under the server's key prefix and the {@link WatchCache} in front of it, with the settings of a
 * server started with default flags (read from the server's own command line), and the kind's {@link ResourceType}
 * from the server's bundled definition. So it sees the objects the server wrote, like a second replica that only
 * reads. A list renders its body with the server's own writer ({@link ObjectRenderer#objectList}), as the server
 * answers a JSON list before handing the body to HTTP. Thread-safe.
 */
public final class InProcessCache implements AutoCloseable {
  private static final MediaTypes.Representation JSON = MediaTypes.Representation.JSON_OBJECT;

  private final KvStore kv;
  private final WatchCache cache;
  private final ResourceDefinition definition;
  private final String apiVersion;

  private InProcessCache(KvStore kv, WatchCache cache, ResourceDefinition definition, String apiVersion) {
    this.kv = kv;
    this.cache = cache;
    this.definition = definition;
    this.apiVersion = apiVersion;
  }

  /** The stack on etcd at {@code etcdUrl}, for {@code kind} (its cache starts with the first list). */
  public static InProcessCache open(String etcdUrl, Objects1k kind) {
    ServerOptions server = new ServerOptions();
    new CommandLine(server).parseArgs(); // the defaults of every flag the benchmark does not pass to the server
    if (!server.watchCache) {
      throw new IllegalStateException("the server's default is no watch cache: nothing to measure in-process");
    }
    ResourceDefinition definition = DefinitionLoader.bundledDemo().stream()
        .filter(d -> (d.group() + "/" + d.storageVersion().name()).equals(Objects1k.GROUP_VERSION)
            && d.names().plural().equals(kind.plural()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the server bundles no " + kind.plural() + " in "
            + Objects1k.GROUP_VERSION));
    KvStore kv = EtcdKvStore.connect(EtcdKvStoreOptions.builder().endpoints(etcdUrl).build());
    ResourceStore store = ResourceStore.open(kv, ResourceStoreOptions.builder().keyPrefix(server.etcdPrefix).build());
    WatchCache cache = WatchCache.owning(store, WatchCacheOptions.defaults()
        .withWindowEvents(server.watchCacheWindow).withWatcherBuffer(server.watchCacheWatcherBuffer));
    return new InProcessCache(kv, cache, definition, Objects1k.GROUP_VERSION);
  }

  /** The kind's storage type, as the server maps its definition. */
  public ResourceType type() {
    return definition.type();
  }

  /**
   * Starts the kind's cache and waits until it answers from memory (it lists the store first).
   *
   * @throws IllegalStateException when it is not ready within {@code timeout}
   */
  public void awaitReady(Duration timeout) throws InterruptedException {
    cache.list(type(), ListOptions.all().withLimit(1).notOlderThan(ListOptions.ANY)); // starts it
    long deadline = System.nanoTime() + timeout.toNanos();
    while (cache.stats().stream().filter(s -> s.type().equals(type())).noneMatch(CacheStats::ready)) {
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("the in-process watch cache of " + type() + " was not ready within "
            + timeout.toSeconds() + " s: " + cache.stats());
      }
      Thread.sleep(20);
    }
  }

  /**
   * What one list answered.
   *
   * @param items objects in all pages
   * @param bodyBytes the bytes of all response bodies
   * @param pages responses
   * @param lastBody the last page's body (kept for checks; do not modify)
   */
  public record Listed(int items, long bodyBytes, int pages, Buffer lastBody) {}

  /**
   * A list of {@code namespace}, as the server answers {@code GET .../namespaces/<namespace>/<plural>} with the
   * same query: {@code WatchCache.list} with the options the server's list handler makes, and each page's body
   * rendered; paged ({@code limit} > 0) pages follow their continue tokens.
   *
   * @param anyVersion {@code resourceVersion=0} (any state; from memory at once); else unset (a consistent read)
   */
  public CompletionStage<Listed> list(String namespace, boolean anyVersion, long limit) {
    ListOptions first = ListOptions.inNamespace(namespace).withLimit(limit);
    return page(anyVersion ? first.notOlderThan(ListOptions.ANY) : first, new Listed(0, 0, 0, null));
  }

  private CompletionStage<Listed> page(ListOptions options, Listed soFar) {
    return cache.list(type(), options).thenCompose(page -> {
      Buffer body = ObjectRenderer.objectList(definition, apiVersion, JSON, page);
      Listed listed = new Listed(soFar.items() + page.items().size(), soFar.bodyBytes() + body.length(),
          soFar.pages() + 1, body);
      if (page.continueToken() == null) {
        return CompletableFuture.completedFuture(listed);
      }
      // As the server reads a continue token: the token alone says where and at which revision.
      return page(ListOptions.inNamespace(options.namespace()).withLimit(options.limit())
          .withContinue(page.continueToken()), listed);
    });
  }

  @Override
  public void close() {
    cache.close();
    kv.close();
  }
}
