package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.http.ApiException;
import io.revisor.apiserver.http.KindView;
import io.revisor.apiserver.http.ResourceRequest;
import io.revisor.storage.resource.Action;
import io.revisor.storage.resource.HistoryEntry;
import io.revisor.storage.resource.HistoryPage;
import io.revisor.storage.resource.ListOptions;
import io.revisor.storage.resource.ListResult;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.ResourceWatch;
import io.revisor.storage.resource.ResourceWatchListener;
import io.revisor.storage.resource.StorageErrorCode;
import io.revisor.storage.resource.StorageException;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.resource.WatchEvent;
import io.revisor.storage.resource.WatchOptions;
import io.revisor.storage.selection.FieldSelector;
import io.revisor.storage.selection.ObjectPredicate;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code revisions}: every recorded change of one object, newest first, computed from the history keys (which etcd's
 * compaction never removes). A Revision is addressed by name ({@code <name>.<resourceVersion>@<plural>.<group>}) or
 * listed and watched per object with the field selector {@code spec.resource=<plural>.<group>,spec.name=<name>}. Its
 * status tells how it differs from the version before it (an RFC 6902 patch and the changed paths). Reading needs
 * {@code get} on the object itself, besides the request's own permission on revisions.
 */
final class Revisions implements KindView {
  static final String KIND = "Revision";
  private static final EnumSet<DiffFlags> DIFF =
      EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

  private final ResourceStore store;
  private final Targets targets;
  private final TargetAccess access;

  Revisions(ResourceStore store, Targets targets, TargetAccess access) {
    this.store = store;
    this.targets = targets;
    this.access = access;
  }

  @Override
  public Future<ResourceStore> storeFor(ResourceRequest request) {
    String namespace = request.namespace();
    if (request.info().verb().equals("get")) {
      Names.RevisionName parsed = Names.parseRevision(request.info().name());
      Optional<ResourceDefinition> target =
          parsed == null ? Optional.empty() : targets.find(parsed.resource());
      if (target.isEmpty()) {
        return Future.failedFuture(
            ApiException.notFound(DefinitionLoader.SYSTEM_GROUP, "revisions", request.info().name()));
      }
      return access.require(request, target.get(), "get", namespace, parsed.name())
          .map(allowed -> new View(target.get(), target.get().type().key(namespace, parsed.name())));
    }
    String resource = Selectors.equality(request, "spec.resource");
    String name = Selectors.equality(request, "spec.name");
    if (resource == null || name == null || namespace.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("revisions are listed and watched per object: in the "
          + "object's namespace, with the field selector spec.resource=<plural>.<group>,spec.name=<name>"));
    }
    ResourceDefinition target = targets.require(resource, "spec.resource");
    ObjectKey key;
    try {
      key = target.type().key(namespace, name);
    } catch (StorageException e) {
      return Future.failedFuture(ApiException.badRequest("spec.name: " + e.getMessage()));
    }
    return access.require(request, target, "get", namespace, name).map(allowed -> new View(target, key));
  }

  /**
   * Sets {@code status.patch}, the RFC 6902 patch from {@code previous} to {@code current} (both changed in place:
   * without the fields every write changes), and {@code status.changedFields}, the paths that patch touches, each
   * once: removing several elements of an array removes at the same index several times.
   */
  static void describeChange(ObjectNode status, ObjectNode previous, ObjectNode current) {
    JsonNode patch = JsonDiff.asJson(comparable(previous), comparable(current), DIFF);
    Set<String> paths = new LinkedHashSet<>();
    patch.forEach(op -> paths.add(op.path("path").asText()));
    ArrayNode fields = status.putArray("changedFields");
    paths.forEach(fields::add);
    status.set("patch", patch);
  }

  /** An object without the fields every write changes, so that a diff shows only what the writer changed. */
  private static ObjectNode comparable(ObjectNode object) {
    JsonNode metadata = object.path("metadata");
    if (metadata instanceof ObjectNode m) {
      m.remove("resourceVersion");
      m.remove("managedFields");
    }
    return object;
  }

  /** The Revisions of one object. */
  private final class View extends ReadOnlyView {
    private final ResourceDefinition target;
    private final ObjectKey key;

    View(ResourceDefinition target, ObjectKey key) {
      super(store);
      this.target = target;
      this.key = key;
    }

    @Override
    public CompletionStage<StoredObject> get(ObjectKey revisionKey, long ignored) {
      long resourceVersion = Names.parseRevision(revisionKey.name()).resourceVersion();
      return store.change(key, resourceVersion)
          .thenCompose(entry -> previous(entry).thenApply(previous -> stored(revisionKey.type(), entry, previous)))
          .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
              StorageException.from(failure).code() == StorageErrorCode.NOT_FOUND
                  ? StorageException.notFound(revisionKey) : failure));
    }

    /** The version just before {@code entry}'s change, or null: none before a creation or a re-creation. */
    private CompletionStage<StoredObject> previous(HistoryEntry entry) {
      if (entry.action() == Action.CREATED) {
        return CompletableFuture.completedFuture(null);
      }
      return store.get(key, entry.resourceVersion() - 1).exceptionally(failure -> {
        StorageErrorCode code = StorageException.from(failure).code();
        if (code == StorageErrorCode.NOT_FOUND || code == StorageErrorCode.COMPACTED) {
          return null;
        }
        throw StorageException.from(failure);
      });
    }

    @Override
    public CompletionStage<ListResult> list(ResourceType type, ListOptions options) {
      return store.currentRevision().thenCompose(revision ->
          store.history(key, options.limit(), options.continueToken()).thenCompose(page ->
              older(page).thenApply(older -> {
                List<StoredObject> items = new ArrayList<>();
                List<HistoryEntry> entries = page.entries();
                for (int i = 0; i < entries.size(); i++) {
                  HistoryEntry next = i + 1 < entries.size() ? entries.get(i + 1) : older;
                  StoredObject item = stored(type, entries.get(i), previous(entries.get(i), next));
                  if (item.matches(options.predicate())) {
                    items.add(item);
                  }
                }
                return new ListResult(items, revision, page.continueToken(), null);
              })));
    }

    /** The entry after the last of {@code page}, when there is one. */
    private CompletionStage<HistoryEntry> older(HistoryPage page) {
      if (page.continueToken() == null || page.entries().isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      return store.history(key, 1, page.continueToken())
          .thenApply(next -> next.entries().isEmpty() ? null : next.entries().get(0));
    }

    @Override
    public ResourceWatch watch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
      RevisionWatch watch = new RevisionWatch(type, options, listener);
      watch.start();
      return watch;
    }

    private StoredObject stored(ResourceType type, HistoryEntry entry, StoredObject previous) {
      return SystemObjects.stored(type, revision(entry, previous), entry.resourceVersion());
    }

    private ObjectNode revision(HistoryEntry entry, StoredObject previous) {
      String name = Names.revision(key.name(), entry.resourceVersion(), target.name());
      ObjectNode revision = SystemObjects.object(KIND, key.namespace(), name, entry.resourceVersion(), entry.time());
      ObjectNode spec = revision.putObject("spec")
          .put("resource", target.name())
          .put("name", key.name())
          .put("resourceVersion", Long.toString(entry.resourceVersion()))
          .put("action", entry.action().label())
          .put("user", entry.user())
          .put("time", SystemObjects.timestamp(entry.time()));
      ObjectNode object = SystemObjects.json(entry.object());
      spec.set("object", object);
      ObjectNode status = revision.putObject("status");
      if (previous != null) {
        status.put("previousResourceVersion", Long.toString(previous.resourceVersion()));
        if (entry.action() != Action.DELETED) {
          describeChange(status, SystemObjects.json(previous), object.deepCopy());
        }
      }
      return revision;
    }

    /**
     * The next older entry {@code next} as the version before {@code entry}: none before a creation, nor before a
     * restore of a deleted object; before a deletion, the last version.
     */
    private StoredObject previous(HistoryEntry entry, HistoryEntry next) {
      if (next == null || entry.action() == Action.CREATED
          || (next.action() == Action.DELETED && entry.action() != Action.DELETED)) {
        return null;
      }
      return next.object();
    }


    /**
     * A watch of Revisions: the initial events are the whole history (oldest first), then every change of the
     * object becomes one ADDED Revision. The object's own watch feeds it; each change is looked up in the history
     * (for who, when and what), one at a time so that events keep their order.
     */
    private final class RevisionWatch extends SerialWatch {
      private final ResourceType type;
      private final WatchOptions options;

      RevisionWatch(ResourceType type, WatchOptions options, ResourceWatchListener listener) {
        super(listener);
        this.type = type;
        this.options = options;
      }

      void start() {
        if (!options.initialEvents()) {
          follow(options.revision());
          return;
        }
        store.currentRevision()
            .thenCompose(revision -> wholeHistory(null, new ArrayList<>()).thenAccept(entries -> {
              Collections.reverse(entries);
              for (int i = 0; i < entries.size(); i++) {
                HistoryEntry entry = entries.get(i);
                if (entry.resourceVersion() <= revision) {
                  emit(new WatchEvent(WatchEvent.Type.ADDED,
                      stored(type, entry, previous(entry, i > 0 ? entries.get(i - 1) : null)),
                      entry.resourceVersion(), false));
                }
              }
              if (options.bookmarks()) {
                emit(new WatchEvent(WatchEvent.Type.BOOKMARK, null, revision, true));
              }
              follow(revision);
            }))
            .exceptionally(failure -> {
              end(StorageException.from(failure));
              return null;
            });
      }

      private CompletionStage<List<HistoryEntry>> wholeHistory(String token, List<HistoryEntry> into) {
        return store.history(key, 500, token).thenCompose(page -> {
          into.addAll(page.entries());
          return page.continueToken() == null
              ? CompletableFuture.completedFuture(into)
              : wholeHistory(page.continueToken(), into);
        });
      }

      private void emit(WatchEvent event) {
        if (event.type() == WatchEvent.Type.BOOKMARK
            || event.object().matches(options.predicate())) {
          listener.onEvent(event);
        }
      }

      private void follow(long revision) {
        ObjectPredicate sameName = FieldSelector.parse(FieldSelector.METADATA_NAME + "="
            + FieldSelector.escapeValue(key.name()));
        WatchOptions changes = new WatchOptions(key.namespace(), sameName, revision, false, options.bookmarks(),
            options.bookmarkInterval());
        attach(store.watch(key.type(), changes, this));
      }

      @Override
      public void onEvent(WatchEvent event) {
        then(() -> {
          if (event.type() == WatchEvent.Type.BOOKMARK) {
            emit(event);
            return CompletableFuture.completedFuture(null);
          }
          return store.change(key, event.resourceVersion())
              .thenCompose(entry -> View.this.previous(entry).thenAccept(previous -> emit(new WatchEvent(
                  WatchEvent.Type.ADDED, stored(type, entry, previous), entry.resourceVersion(), false))));
        });
      }
    }
  }
}
