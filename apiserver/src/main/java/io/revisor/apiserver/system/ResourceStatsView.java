package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.http.ApiException;
import io.revisor.apiserver.http.KindView;
import io.revisor.apiserver.http.ResourceRequest;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceStats;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code resourcestats}: the live objects of each served namespaced resource per namespace, computed from the
 * counters every write updates ({@link ResourceStore#stats}), so exact after every write and cheap to read. One
 * ResourceStats per (namespace, resource), named {@code <plural>.<group>}; a namespace lists every served namespaced
 * resource, zeros included, and all namespaces list every namespace that ever had an object. Read-only; always the
 * current figures, at the list's resourceVersion (a requested resourceVersion cannot go back in time here).
 *
 * <p>Reading the figures of a resource also needs {@code get} on that resource, in the namespace (for all namespaces:
 * cluster-wide): a get answers 403 without it, and a list leaves such items out.
 */
final class ResourceStatsView implements KindView {
  static final String KIND = "ResourceStats";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final ResourceStore store;
  private final Targets targets;
  private final TargetAccess access;

  ResourceStatsView(ResourceStore store, Targets targets, TargetAccess access) {
    this.store = store;
    this.targets = targets;
    this.access = access;
  }

  @Override
  public Future<ResourceStore> storeFor(ResourceRequest request) {
    String namespace = request.namespace();
    if (request.info().verb().equals("get")) {
      Optional<ResourceDefinition> target = targets.find(request.info().name());
      if (target.isEmpty()) {
        return Future.failedFuture(
            ApiException.notFound(DefinitionLoader.SYSTEM_GROUP, "resourcestats", request.info().name()));
      }
      return access.require(request, target.get(), "get", namespace, "").map(allowed -> new View(List.of(target.get())));
    }
    return access.readable(request, targets.namespaced(), namespace).map(View::new);
  }

  /** The figures of the resources one request may read. */
  private final class View extends ReadOnlyView {
    private final List<ResourceDefinition> readable;

    View(List<ResourceDefinition> readable) {
      super(store);
      this.readable = readable;
    }

    @Override
    public CompletionStage<StoredObject> get(ObjectKey key, long ignored) {
      Optional<ResourceDefinition> target = readable.stream().filter(t -> t.name().equals(key.name())).findFirst();
      if (target.isEmpty()) {
        return CompletableFuture.failedFuture(StorageException.notFound(key));
      }
      return store.currentRevision().thenCompose(revision -> store.stats(target.get().type(), key.namespace())
          .thenApply(stats -> item(key.type(), key.namespace(), target.get(),
              stats.isEmpty() ? null : stats.get(0), revision)));
    }

    @Override
    public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
      Position after;
      try {
        after = Position.decode(options.continueToken(), options.namespace());
      } catch (StorageException e) {
        return CompletableFuture.failedFuture(e);
      }
      return store.currentRevision().thenCompose(revision -> store.stats(null, options.namespace())
          .thenApply(stats -> {
            Map<String, ResourceStats> byScope = new HashMap<>();
            TreeSet<String> namespaces = new TreeSet<>();
            for (ResourceStats s : stats) {
              byScope.put(s.namespace() + "/" + s.type().qualifiedName(), s);
              if (!s.namespace().isEmpty()) {
                namespaces.add(s.namespace());
              }
            }
            if (options.namespace() != null) {
              namespaces = new TreeSet<>(List.of(options.namespace()));
            }
            List<StoredObject> matching = new ArrayList<>();
            for (String namespace : namespaces) {
              for (ResourceDefinition target : readable) {
                if (after != null && after.compareTo(new Position(namespace, target.name())) >= 0) {
                  continue;
                }
                StoredObject item = item(type, namespace, target, byScope.get(namespace + "/" + target.name()),
                    revision);
                if (item.matches(options.predicate())) {
                  matching.add(item);
                }
              }
            }
            if (options.limit() == 0 || matching.size() <= options.limit()) {
              return new ListResult(matching, revision, null, null);
            }
            List<StoredObject> page = matching.subList(0, (int) options.limit());
            ObjectKey last = page.get(page.size() - 1).key();
            Long remaining = options.predicate().isEverything() ? (long) (matching.size() - page.size()) : null;
            return new ListResult(page, revision, new Position(last.namespace(), last.name()).encode(), remaining);
          }));
    }

    private StoredObject item(
        ResourceType type, String namespace, ResourceDefinition target, ResourceStats stats, long revision) {
      long latest = stats == null ? 0 : stats.latestResourceVersion();
      long resourceVersion = latest > 0 ? latest : revision;
      ObjectNode object = SystemObjects.object(KIND, namespace, target.name(), resourceVersion, null);
      object.putObject("status")
          .put("count", stats == null ? 0 : stats.count())
          .put("bytes", stats == null ? 0 : stats.bytes())
          .put("latestResourceVersion", latest > 0 ? Long.toString(latest) : "");
      return SystemObjects.stored(type, object, resourceVersion);
    }
  }

  /**
   * Where a page ends: the last item's namespace and name. The continue token is {@code base64url(namespace "/"
   * name)}; listing resumes after it with the figures current then.
   */
  record Position(String namespace, String name) implements Comparable<Position> {
    private static final Comparator<Position> ORDER =
        Comparator.comparing(Position::namespace).thenComparing(Position::name);

    String encode() {
      return ENCODER.encodeToString((namespace + "/" + name).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position {@code token} encodes, or null for none.
     *
     * @param namespace the listed namespace, or null for all: a token for another namespace is refused
     * @throws StorageException INVALID, starting {@code invalid continue token}, for anything else
     */
    static Position decode(String token, String namespace) {
      if (token == null || token.isEmpty()) {
        return null;
      }
      String text;
      try {
        text = new String(DECODER.decode(token), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw StorageException.invalid("invalid continue token: not base64url");
      }
      int slash = text.indexOf('/');
      if (slash <= 0 || slash != text.lastIndexOf('/') || slash == text.length() - 1) {
        throw StorageException.invalid("invalid continue token: not a namespace/name position");
      }
      Position position = new Position(text.substring(0, slash), text.substring(slash + 1));
      if (namespace != null && !namespace.equals(position.namespace())) {
        throw StorageException.invalid("invalid continue token: made for another namespace");
      }
      return position;
    }

    @Override
    public int compareTo(Position other) {
      return ORDER.compare(this, other);
    }
  }
}
