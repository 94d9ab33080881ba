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
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.TrashEntry;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code deletedobjects}: the trash, every deleted object that can still be restored, computed from the trash keys. A
 * DeletedObject is named {@code <name>@<plural>.<group>}; a list covers every served kind the user may {@code get}
 * (or the one pinned by {@code spec.resource=}), kind by kind in name order, then by namespace and name.
 */
final class DeletedObjects implements KindView {
  static final String KIND = "DeletedObject";

  private final ResourceStore store;
  private final Targets targets;
  private final TargetAccess access;

  DeletedObjects(ResourceStore store, Targets targets, TargetAccess access) {
    this.store = store;
    this.targets = targets;
    this.access = access;
  }

  @Override
  public Future<ResourceStore> storeFor(ResourceRequest request) {
    String namespace = request.namespace();
    if (request.info().verb().equals("get")) {
      Names.DeletedName parsed = Names.parseDeleted(request.info().name());
      Optional<ResourceDefinition> target = parsed == null ? Optional.empty() : targets.find(parsed.resource());
      if (target.isEmpty()) {
        return Future.failedFuture(
            ApiException.notFound(DefinitionLoader.SYSTEM_GROUP, "deletedobjects", request.info().name()));
      }
      return access.require(request, target.get(), "get", namespace, parsed.name())
          .map(allowed -> new View(List.of(target.get())));
    }
    String resource = Selectors.equality(request, "spec.resource");
    if (resource != null) {
      ResourceDefinition target = targets.require(resource, "spec.resource");
      return access.require(request, target, "get", namespace, "").map(allowed -> new View(List.of(target)));
    }
    return access.readable(request, targets.namespaced(), namespace).map(View::new);
  }

  /** The trash of the kinds in {@code kinds} (sorted by name). */
  private final class View extends ReadOnlyView {
    private final List<ResourceDefinition> kinds;

    View(List<ResourceDefinition> kinds) {
      super(store);
      this.kinds = kinds;
    }

    @Override
    public CompletionStage<StoredObject> get(ObjectKey key, long ignored) {
      Names.DeletedName parsed = Names.parseDeleted(key.name());
      ObjectKey deleted = kinds.get(0).type().key(key.namespace(), parsed.name());
      return store.trashed(deleted)
          .thenApply(entry -> stored(key.type(), kinds.get(0), entry))
          .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
              StorageException.from(failure).code() == StorageErrorCode.NOT_FOUND
                  ? StorageException.notFound(key) : failure));
    }

    @Override
    public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
      Position start = Position.decode(options.continueToken());
      return store.currentRevision().thenCompose(revision ->
          page(type, options, start, new ArrayList<>()).thenApply(page -> new ListResult(page.items(), revision,
              page.next() == null ? null : page.next().encode(), null)));
    }

    private record Page(List<StoredObject> items, Position next) {}

    /** Fills {@code items} from {@code at} on, kind after kind, until the limit or the end. */
    private CompletionStage<Page> page(ResourceType type, ListOptions options, Position at, List<StoredObject> items) {
      Optional<ResourceDefinition> kind = kinds.stream()
          .filter(k -> at == null || k.name().compareTo(at.kind()) >= 0)
          .findFirst();
      if (kind.isEmpty()) {
        return CompletableFuture.completedFuture(new Page(items, null));
      }
      ResourceDefinition current = kind.get();
      String token = at != null && at.kind().equals(current.name()) ? at.token() : null;
      long want = options.limit() == 0 ? 0 : options.limit() - items.size();
      return store.trash(current.type(), options.namespace(), want, token).thenCompose(trash -> {
        for (TrashEntry entry : trash.entries()) {
          StoredObject item = stored(type, current, entry);
          if (item.matches(options.predicate())) {
            items.add(item);
          }
        }
        if (trash.continueToken() != null) {
          return CompletableFuture.completedFuture(new Page(items, new Position(current.name(), trash.continueToken())));
        }
        Position next = new Position(current.name() + "\0", null);
        if (options.limit() > 0 && items.size() >= options.limit()) {
          boolean more = kinds.stream().anyMatch(k -> k.name().compareTo(next.kind()) >= 0);
          return CompletableFuture.completedFuture(new Page(items, more ? next : null));
        }
        return page(type, options, next, items);
      });
    }

    private StoredObject stored(ResourceType type, ResourceDefinition kind, TrashEntry entry) {
      ObjectKey key = entry.key();
      ObjectNode deleted = SystemObjects.object(KIND, key.namespace(), Names.deleted(key.name(), kind.name()),
          entry.deletedRevision(), entry.deletedAt());
      deleted.putObject("spec")
          .put("resource", kind.name())
          .put("name", key.name())
          .put("resourceVersion", Long.toString(entry.deletedRevision()))
          .put("lastResourceVersion", Long.toString(entry.lastState().resourceVersion()))
          .put("user", entry.deletedBy())
          .put("time", SystemObjects.timestamp(entry.deletedAt()))
          .set("object", SystemObjects.json(entry.lastState()));
      return SystemObjects.stored(type, deleted, entry.deletedRevision());
    }
  }

  /**
   * Where a page ends: the kind to go on with and the trash's own token inside it (null: from its start). Encoded as
   * the list's continue token.
   */
  private record Position(String kind, String token) {
    String encode() {
      String text = kind + "\n" + (token == null ? "" : token);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Position decode(String encoded) {
      if (encoded == null) {
        return null;
      }
      String text;
      try {
        text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("invalid continue token: not base64url");
      }
      int newline = text.indexOf('\n');
      if (newline <= 0) {
        throw ApiException.badRequest("invalid continue token: malformed");
      }
      String token = text.substring(newline + 1);
      return new Position(text.substring(0, newline), token.isEmpty() ? null : token);
    }
  }
}
