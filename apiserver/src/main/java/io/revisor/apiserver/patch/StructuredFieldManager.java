package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.patch.FieldSchema.Node;
import io.revisor.apiserver.patch.ManagedFields.Entry;
import io.revisor.apiserver.patch.ManagedFields.ManagerId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link FieldManager} after kube's default field manager chain (version check, last-applied updater and manager,
 * cap on update managers, manager identity, managedFields updater, strip of untracked metadata, structured merge),
 * on Jackson trees typed by a {@link FieldSchema}. See the interface for the behaviour.
 */
final class StructuredFieldManager implements FieldManager {
  /** Update entries kept at most; older ones merge into {@value #ANCIENT_CHANGES} (kube's DefaultMaxUpdateManagers). */
  static final int MAX_UPDATE_MANAGERS = 10;

  static final String ANCIENT_CHANGES = "ancient-changes";

  /** kube's size limit of all annotations of an object, over which the last-applied annotation is dropped. */
  private static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Metadata kube never tracks ownership of (its stripMeta manager). */
  private static final FieldSet UNTRACKED = FieldSet.of(List.of(
      path("apiVersion"),
      path("kind"),
      path("metadata"),
      path("metadata", "name"),
      path("metadata", "namespace"),
      path("metadata", "creationTimestamp"),
      path("metadata", "selfLink"),
      path("metadata", "uid"),
      path("metadata", "clusterName"),
      path("metadata", "generation"),
      path("metadata", "managedFields"),
      path("metadata", "resourceVersion")));

  private final Clock clock;
  private final Node schema;
  private final String kind;
  private final boolean statusSubresource;

  StructuredFieldManager(Clock clock, FieldSchema schema, String kind, boolean statusSubresource) {
    this.clock = clock;
    this.schema = schema.root();
    this.kind = kind;
    this.statusSubresource = statusSubresource;
  }

  private static List<PathElement> path(String... fields) {
    List<PathElement> out = new ArrayList<>();
    for (String f : fields) {
      out.add(new PathElement.Field(f));
    }
    return out;
  }

  /** kube's reset fields: what the strategy of the (sub)resource discards, so nobody owns it through it. */
  private FieldSet ignoredFields(String subresource) {
    if (!statusSubresource) {
      return new FieldSet();
    }
    return FieldSet.of(List.of(path("status".equals(subresource) ? "spec" : "status")));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Update

  @Override
  public ObjectNode update(ObjectNode live, ObjectNode updated, String manager, String apiVersion,
      String subresource) {
    ObjectNode liveObject = live == null ? NODES.objectNode() : live;
    ManagedFields managed = startingManagedFields(liveObject, updated, subresource != null && !subresource.isEmpty());
    ObjectNode result = updated.deepCopy();
    JsonNode before = withoutManagedFields(liveObject);
    JsonNode after = withoutManagedFields(result);

    FieldSet ignored = ignoredFields(subresource);
    Typed.Comparison changes = Typed.compare(before, after, schema).excluding(ignored);
    FieldSet changed = changes.modified().union(changes.added());
    for (Map.Entry<ManagerId, Entry> e : managed.entries.entrySet()) {
      Entry entry = e.getValue();
      FieldSet rest = entry.set().difference(changed).difference(changes.removed());
      e.setValue(new Entry(rest, entry.apiVersion(), entry.applied()));
    }
    managed.dropEmpty();

    ManagerId id = ManagerId.of(manager == null || manager.isEmpty() ? "unknown" : manager, ManagedFields.UPDATE,
        apiVersion, subresource);
    FieldSet owned = changed.difference(changes.removed()).recursiveDifference(ignored).difference(UNTRACKED);
    if (!owned.isEmpty()) {
      Entry previous = managed.entries.get(id);
      FieldSet set = previous == null ? owned : owned.union(previous.set());
      managed.entries.put(id, new Entry(set, apiVersion, false));
      managed.times.put(id, now());
    }
    capUpdateManagers(managed);
    writeManagedFields(result, managed);
    return result;
  }

  /** kube's decodeLiveOrNew: the request's managedFields if it sets valid ones, else the live object's. */
  private static ManagedFields startingManagedFields(ObjectNode live, ObjectNode updated, boolean subresource) {
    if (!subresource) {
      JsonNode requested = updated.path("metadata").get("managedFields");
      if (ManagedFields.isReset(requested)) {
        return ManagedFields.empty();
      }
      if (requested != null && requested.isArray()) {
        try {
          ManagedFields managed = ManagedFields.decode(requested);
          if (!managed.entries.isEmpty()) {
            return managed;
          }
        } catch (ManagedFields.InvalidException e) {
          // Invalid managedFields in a request fall back to the stored ones, as in kube.
        }
      }
    }
    return liveManagedFields(live);
  }

  private static ManagedFields liveManagedFields(ObjectNode live) {
    try {
      return ManagedFields.decode(live.path("metadata").get("managedFields"));
    } catch (ManagedFields.InvalidException e) {
      return ManagedFields.empty();
    }
  }

  /** kube's capManagersManager: merges the oldest Update entries, per apiVersion, into ancient-changes buckets. */
  private static void capUpdateManagers(ManagedFields managed) {
    List<ManagerId> updaters = new ArrayList<>();
    managed.entries.forEach((id, entry) -> {
      if (!entry.applied()) {
        updaters.add(id);
      }
    });
    if (updaters.size() <= MAX_UPDATE_MANAGERS) {
      return;
    }
    updaters.sort(Comparator.comparingLong(managed::seconds).thenComparing(ManagerId::identifier,
        GoText::compareBytes));
    Map<String, ManagerId> firstOfVersion = new HashMap<>();
    int length = updaters.size();
    for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
      ManagerId id = updaters.get(i);
      Entry entry = managed.entries.get(id);
      Instant time = managed.times.get(id);
      String version = entry.apiVersion();
      ManagerId bucket = ManagerId.of(ANCIENT_CHANGES, ManagedFields.UPDATE, version, "");
      ManagerId first = firstOfVersion.get(version);
      if (first == null) {
        firstOfVersion.put(version, id);
        continue;
      }
      if (!managed.entries.containsKey(bucket)) {
        Entry firstEntry = managed.entries.remove(first);
        managed.times.remove(first);
        managed.entries.put(bucket, firstEntry);
      }
      Entry merged = new Entry(entry.set().union(managed.entries.get(bucket).set()), version, false);
      managed.entries.remove(id);
      managed.times.remove(id);
      managed.entries.put(bucket, merged);
      if (time == null) {
        managed.times.remove(bucket);
      } else {
        managed.times.put(bucket, time);
      }
      length--;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Apply

  @Override
  public ObjectNode apply(ObjectNode live, ObjectNode applyConfiguration, String manager, String apiVersion,
      String subresource, boolean force) {
    checkConfiguration(live, applyConfiguration, apiVersion);
    ObjectNode liveObject = live == null ? newObject(apiVersion) : (ObjectNode) withoutManagedFields(live);
    ManagedFields managed = live == null ? ManagedFields.empty() : liveManagedFields(live);
    ManagerId id = ManagerId.of(manager == null || manager.isEmpty() ? "unknown" : manager, ManagedFields.APPLY,
        apiVersion, subresource);

    Outcome outcome;
    try {
      outcome = structuredApply(liveObject, applyConfiguration, managed, id, apiVersion, subresource, force);
    } catch (Conflicts conflicts) {
      if (!"kubectl".equals(manager)) {
        throw conflicts.toException();
      }
      // kubectl's server-side apply takes over what its client-side apply recorded, without conflicts.
      FieldSet allowed = conflictsAllowedByLastApplied(liveObject, apiVersion);
      if (allowed == null) {
        throw conflicts.toException();
      }
      List<Conflict> remaining = conflicts.list.stream().filter(c -> !allowed.has(c.path())).toList();
      if (!remaining.isEmpty()) {
        throw new Conflicts(remaining).toException();
      }
      outcome = structuredApply(liveObject, applyConfiguration, managed, id, apiVersion, subresource, true);
    }

    ManagedFields result = outcome.managed;
    Entry entry = result.entries.get(id);
    if (entry != null) {
      FieldSet tracked = entry.set().difference(UNTRACKED);
      if (tracked.isEmpty()) {
        result.entries.remove(id);
        result.times.remove(id);
      } else {
        result.entries.put(id, new Entry(tracked, entry.apiVersion(), true));
      }
    }
    ObjectNode object;
    if (outcome.object != null) {
      object = outcome.object;
      result.times.put(id, now());
    } else {
      object = liveObject.deepCopy();
    }
    if ("kubectl".equals(manager) && lastApplied(object) != null) {
      setLastApplied(object, buildLastApplied(applyConfiguration));
    }
    writeManagedFields(object, result);
    return object;
  }

  /** kube's version check and the checks of its structured merge manager and type converter. */
  private void checkConfiguration(ObjectNode live, ObjectNode configuration, String apiVersion) {
    String configVersion = configuration.path("apiVersion").asText("");
    String configKind = configuration.path("kind").asText("");
    if (!configVersion.equals(apiVersion) || !configKind.equals(kind)) {
      throw PatchException.badRequest("invalid object type: " + groupVersionKind(configVersion, configKind));
    }
    if (configuration.path("metadata").path("managedFields").isArray()) {
      throw PatchException.badRequest("metadata.managedFields must be nil");
    }
    List<String> errors = Typed.validate(configuration, schema);
    if (!errors.isEmpty()) {
      String name = configuration.path("metadata").path("name").asText("");
      String namespace = configuration.path("metadata").path("namespace").asText("");
      String detail = errors.size() == 1 ? errors.get(0) : "errors:\n  " + String.join("\n  ", errors);
      throw PatchException.badRequest("failed to create typed patch object (" + namespace + "/" + name + "; "
          + groupVersionKind(configVersion, configKind) + "): " + detail);
    }
  }

  /** Go's {@code schema.GroupVersionKind} string: {@code demo.revisor.io/v1, Kind=Widget}. */
  private static String groupVersionKind(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return group + "/" + version + ", Kind=" + kind;
  }

  private ObjectNode newObject(String apiVersion) {
    ObjectNode object = NODES.objectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    return object;
  }

  /** The result of structured-merge-diff's Apply: the new object (null when nothing changed) and the owners. */
  private record Outcome(ObjectNode object, ManagedFields managed) {}

  /** One field another manager owns that an apply would change. */
  private record Conflict(ManagerId owner, List<PathElement> path) {}

  /** Conflicts of an apply, before they become a {@link PatchException}. */
  private static final class Conflicts extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient List<Conflict> list;

    Conflicts(List<Conflict> list) {
      super(null, null, false, false);
      this.list = list;
    }

    /** Sorted as kube's message groups them: by owner identifier, each owner's paths in set order. */
    PatchException toException() {
      Map<String, List<Conflict>> byOwner = new TreeMap<>(GoText::compareBytes);
      for (Conflict c : list) {
        byOwner.computeIfAbsent(c.owner().identifier(), k -> new ArrayList<>()).add(c);
      }
      List<PatchException.Conflict> out = new ArrayList<>();
      byOwner.values().forEach(cs -> cs.forEach(c -> out.add(c.owner().conflictOn(FieldSet.pathString(c.path())))));
      return PatchException.conflict(out);
    }
  }

  /** structured-merge-diff's {@code Updater.Apply}. */
  private Outcome structuredApply(ObjectNode live, ObjectNode configuration, ManagedFields managedIn, ManagerId id,
      String apiVersion, String subresource, boolean force) {
    ManagedFields managed = managedIn.copy();
    FieldSet ignored = ignoredFields(subresource);
    JsonNode merged = Typed.merge(live, configuration, schema);
    Entry last = managed.entries.get(id);
    FieldSet set = Typed.toFieldSet(configuration, schema).recursiveDifference(ignored);
    managed.entries.remove(id);
    managed.entries.put(id, new Entry(set, apiVersion, true));
    JsonNode pruned = prune(merged, managed, last);

    Typed.Comparison changes = Typed.compare(live, pruned, schema).excluding(ignored);
    FieldSet changed = changes.modified().union(changes.added());
    List<Conflict> conflicts = new ArrayList<>();
    Map<ManagerId, FieldSet> conflicting = new LinkedHashMap<>();
    managed.entries.forEach((owner, entry) -> {
      if (owner.equals(id)) {
        return;
      }
      FieldSet clash = entry.set().intersection(changed);
      if (!clash.isEmpty()) {
        conflicting.put(owner, clash);
        clash.forEachPath(p -> conflicts.add(new Conflict(owner, p)));
      }
    });
    if (!force && !conflicts.isEmpty()) {
      throw new Conflicts(conflicts);
    }
    for (Iterator<Map.Entry<ManagerId, Entry>> it = managed.entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ManagerId, Entry> e = it.next();
      if (e.getKey().equals(id)) {
        continue;
      }
      FieldSet rest = e.getValue().set();
      FieldSet clash = conflicting.get(e.getKey());
      if (clash != null) {
        rest = rest.difference(clash);
      }
      rest = rest.difference(changes.removed());
      e.setValue(new Entry(rest, e.getValue().apiVersion(), e.getValue().applied()));
    }
    managed.dropEmpty();
    ObjectNode result = pruned.isObject() ? (ObjectNode) pruned : NODES.objectNode();
    boolean unchanged = JsonValues.equal(live, result);
    return new Outcome(unchanged ? null : result.deepCopy(), managed);
  }

  /**
   * structured-merge-diff's prune: removes what the manager applied last time ({@code last}) and no longer applies,
   * unless someone (another manager, or the new configuration) owns it.
   */
  private JsonNode prune(JsonNode merged, ManagedFields managed, Entry last) {
    if (last == null || last.set().isEmpty()) {
      return merged;
    }
    FieldSet lastSet = last.set().ensureNamedFieldsAreMembers(schema);
    JsonNode pruned = Typed.removeItems(merged, lastSet, schema);

    // Add back what anyone owns.
    FieldSet owned = new FieldSet();
    for (Entry entry : managed.entries.values()) {
      owned = owned.union(entry.set());
    }
    FieldSet mergedSet = Typed.toFieldSet(merged, schema).ensureNamedFieldsAreMembers(schema);
    FieldSet prunedSet = Typed.toFieldSet(pruned, schema).ensureNamedFieldsAreMembers(schema);
    pruned = Typed.removeItems(merged,
        mergedSet.difference(prunedSet.union(owned.ensureNamedFieldsAreMembers(schema))), schema);

    // Add back what was not the manager's to remove (unowned fields, fields only updaters touched).
    prunedSet = Typed.toFieldSet(pruned, schema).ensureNamedFieldsAreMembers(schema);
    return Typed.removeItems(merged, mergedSet.difference(prunedSet).intersection(lastSet), schema);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // kubectl's last-applied-configuration

  private static String lastApplied(JsonNode object) {
    JsonNode value = object.path("metadata").path("annotations").get(LAST_APPLIED_ANNOTATION);
    return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
  }

  /**
   * kube's lastAppliedManager: the fields of the last-applied configuration whose live value is still the one
   * applied; null when there is no usable annotation.
   */
  private FieldSet conflictsAllowedByLastApplied(ObjectNode live, String apiVersion) {
    String annotation = lastApplied(live);
    if (annotation == null) {
      return null;
    }
    JsonNode lastApplied;
    try {
      lastApplied = MAPPER.readTree(annotation);
    } catch (IOException e) {
      return null;
    }
    if (lastApplied == null || !lastApplied.isObject()
        || !apiVersion.equals(lastApplied.path("apiVersion").asText(""))) {
      return null;
    }
    FieldSet fields = Typed.toFieldSet(lastApplied, schema);
    Typed.Comparison drift = Typed.compare(lastApplied, live, schema);
    return fields.difference(drift.modified()).difference(drift.added()).difference(drift.removed());
  }

  /** The annotation value kube writes: the configuration without the annotation, as Go's JSON encoder writes it. */
  private static String buildLastApplied(ObjectNode configuration) {
    ObjectNode copy = configuration.deepCopy();
    JsonNode annotations = copy.path("metadata").get("annotations");
    if (annotations != null && annotations.isObject()) {
      ((ObjectNode) annotations).remove(LAST_APPLIED_ANNOTATION);
    }
    return GoText.json(copy) + "\n";
  }

  private static void setLastApplied(ObjectNode object, String value) {
    ObjectNode annotations = objectField(objectField(object, "metadata"), "annotations");
    annotations.put(LAST_APPLIED_ANNOTATION, value);
    long size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length
          + e.getValue().asText("").getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
      annotations.remove(LAST_APPLIED_ANNOTATION);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  /** The object under {@code name}, created (replacing anything that is not an object) when missing. */
  private static ObjectNode objectField(ObjectNode parent, String name) {
    JsonNode child = parent.get(name);
    if (child instanceof ObjectNode object) {
      return object;
    }
    ObjectNode created = NODES.objectNode();
    parent.set(name, created);
    return created;
  }

  private static JsonNode withoutManagedFields(ObjectNode object) {
    if (!object.path("metadata").has("managedFields")) {
      return object;
    }
    ObjectNode copy = object.deepCopy();
    ((ObjectNode) copy.get("metadata")).remove("managedFields");
    return copy;
  }

  private static void writeManagedFields(ObjectNode object, ManagedFields managed) {
    ArrayNode encoded = managed.encode();
    JsonNode metadata = object.get("metadata");
    if (encoded == null) {
      if (metadata != null && metadata.isObject()) {
        ((ObjectNode) metadata).remove("managedFields");
      }
      return;
    }
    if (metadata == null || !metadata.isObject()) {
      metadata = NODES.objectNode();
      object.set("metadata", metadata);
    }
    ((ObjectNode) metadata).set("managedFields", encoded);
  }
}
