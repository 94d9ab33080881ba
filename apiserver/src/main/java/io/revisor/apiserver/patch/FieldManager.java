package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Field ownership ({@code metadata.managedFields}) and server-side apply for the objects of one custom resource
 * version, with kube-apiserver's rules ({@code k8s.io/apimachinery/pkg/util/managedfields} over
 * structured-merge-diff).
 *
 * <p>Every write records who changed what. {@link #update} is for the writes that are not apply (create, update,
 * JSON and merge patch, through the main resource or {@code /status}): the writer becomes owner of the fields it
 * added or changed, under an {@code Update} entry, and those fields leave the other owners. {@link #apply} is
 * server-side apply: it merges an apply configuration into the object, owned under an {@code Apply} entry, removes
 * what the manager applied last time and no longer applies (unless someone else owns it), and fails with a conflict
 * when it would change a field someone else owns, unless forced.
 *
 * <p>Both take the live object as stored (with its managedFields) and return a new object with managedFields
 * rewritten; they never modify their arguments. The caller does the rest of a write as usual: name and namespace
 * checks against the URL, system metadata, defaulting, validation, the status/spec reset of the subresource, and
 * storage. {@code apiVersion}, {@code kind} and the metadata that kube never tracks ({@code name},
 * {@code namespace}, {@code uid}, {@code resourceVersion}, {@code generation}, {@code creationTimestamp},
 * {@code selfLink}, {@code managedFields}) are never owned.
 *
 * <p>Implementations are immutable and thread-safe; the only time they read is the injected clock's, for the
 * {@code time} of the entries they touch (RFC 3339, whole seconds, UTC).
 */
public interface FieldManager {
  /** The annotation of kubectl's client-side apply, which server-side apply by {@code kubectl} takes over. */
  String LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

  /** kube's limit on the length of {@code fieldManager} ({@code FieldManagerMaxLength}), in bytes. */
  int MAX_FIELD_MANAGER_LENGTH = 128;

  /**
   * The field manager of one served version of a custom resource.
   *
   * @param clock the source of entry times
   * @param schema the version's schema ({@link FieldSchema#fromSchema})
   * @param kind the resource's {@code kind}; apply configurations of another kind are rejected
   * @param statusSubresource whether the CRD version has a {@code status} subresource: then writes through the main
   *     resource never own {@code status}, and writes through {@code /status} never own {@code spec} (kube's reset
   *     fields: the strategy discards those parts of such writes)
   */
  static FieldManager create(Clock clock, FieldSchema schema, String kind, boolean statusSubresource) {
    return new StructuredFieldManager(Objects.requireNonNull(clock), Objects.requireNonNull(schema),
        Objects.requireNonNull(kind), statusSubresource);
  }

  /**
   * Records a write that is not apply: create ({@code live} null), update, JSON or merge patch.
   *
   * <p>The managedFields it starts from are, as in kube: those of {@code updated} when it carries a valid non-empty
   * list (a client may set them), none when {@code updated} asks to clear them (an empty list, or one empty entry),
   * else those of {@code live} (also when {@code updated} carries invalid ones, and always through a subresource).
   * The manager's {@code Update} entry for this apiVersion and subresource then owns, in addition to what it owned,
   * every field this write added or changed, and its {@code time} becomes now; when nothing it would own changed,
   * neither its set nor its time changes. Added or changed fields leave every other entry, removed fields leave
   * every entry, entries left empty are dropped, and at most 10 {@code Update} entries remain (the oldest merge into
   * {@code ancient-changes}).
   *
   * @param live the stored object, or null on create; not modified
   * @param updated the object about to be stored; not modified
   * @param manager the {@code fieldManager} (see {@link #managerOrUserAgent}); empty becomes {@code unknown}
   * @param apiVersion the request's {@code group/version}
   * @param subresource null for the main resource, or {@code "status"}
   * @return a copy of {@code updated} with {@code metadata.managedFields} rewritten (removed when no entry is left)
   */
  ObjectNode update(ObjectNode live, ObjectNode updated, String manager, String apiVersion, String subresource);

  /** {@link #apply(ObjectNode, ObjectNode, String, String, String, boolean)} through the main resource. */
  default ObjectNode apply(ObjectNode live, ObjectNode applyConfiguration, String manager, String apiVersion,
      boolean force) {
    return apply(live, applyConfiguration, manager, apiVersion, null, force);
  }

  /**
   * Server-side apply of {@code applyConfiguration} (a partial object: what the manager wants to own) to
   * {@code live}, or to an empty object when it does not exist yet.
   *
   * <p>The configuration merges into the object by the schema: granular maps and {@code set}/{@code map} lists
   * item by item (the configuration's item order wins), everything else replaced. Fields the manager applied last
   * time and leaves out now are removed, unless another manager owns them. The manager's {@code Apply} entry then
   * owns exactly the configuration's fields. When the configuration changes a field that another entry owns, that
   * is a conflict; with {@code force} the field moves to this manager instead. Applying the same configuration
   * again changes nothing (not even the entry's time; ownership may still be recorded, for example when another
   * manager applied the same value).
   *
   * <p>Like kube, manager {@code kubectl} takes over without conflict the fields recorded in the object's
   * {@value #LAST_APPLIED_ANNOTATION} annotation that still hold their last-applied value (upgrading from
   * client-side apply), and keeps that annotation, when present, set to the configuration.
   *
   * @param live the stored object, or null when it does not exist; not modified
   * @param applyConfiguration the decoded request body ({@link Patches#decodeApplyConfiguration}); not modified
   * @param manager the {@code fieldManager}, required (see {@link #validateFieldManager})
   * @param apiVersion the request's {@code group/version}; the configuration must have this apiVersion and the kind
   *     of this manager
   * @param subresource null for the main resource, or {@code "status"}
   * @param force the request's {@code force=true}
   * @return the merged object with {@code metadata.managedFields} rewritten
   * @throws PatchException {@link PatchException.Kind#BAD_REQUEST} for a configuration of another apiVersion or kind
   *     ({@code invalid object type: demo.revisor.io/v2, Kind=Widget}), with {@code metadata.managedFields}, with
   *     fields the schema does not declare, or with set or map list items that are invalid or repeated;
   *     {@link PatchException.Kind#CONFLICT} with the conflicts unless {@code force}
   */
  ObjectNode apply(ObjectNode live, ObjectNode applyConfiguration, String manager, String apiVersion,
      String subresource, boolean force);

  /**
   * Checks a {@code fieldManager} query parameter as kube does: at most {@value #MAX_FIELD_MANAGER_LENGTH} bytes,
   * printable characters only, and present for apply.
   *
   * @param fieldManager the parameter, empty or null when absent
   * @param optionsKind {@code PatchOptions}, {@code CreateOptions} or {@code UpdateOptions}: kube names the options
   *     object in the message
   * @param apply whether this is an apply patch (then the manager is required)
   * @throws PatchException {@link PatchException.Kind#INVALID}, for example
   *     {@code PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch}
   */
  static void validateFieldManager(String fieldManager, String optionsKind, boolean apply) {
    String manager = fieldManager == null ? "" : fieldManager;
    List<PatchException.FieldError> errors = new ArrayList<>();
    if (apply && manager.isEmpty()) {
      errors.add(new PatchException.FieldError("FieldValueRequired", "fieldManager",
          "Required value: is required for apply patch"));
    }
    if (manager.getBytes(StandardCharsets.UTF_8).length > MAX_FIELD_MANAGER_LENGTH) {
      errors.add(new PatchException.FieldError("FieldValueTooLong", "fieldManager",
          "Too long: may not be more than " + MAX_FIELD_MANAGER_LENGTH + " bytes"));
    }
    int position = 0;
    for (int i = 0; i < manager.length(); ) {
      int cp = manager.codePointAt(i);
      if (!GoStrings.isPrint(cp)) {
        errors.add(new PatchException.FieldError("FieldValueInvalid", "fieldManager",
            "Invalid value: " + GoStrings.quote(manager) + ": invalid character " + GoStrings.runeName(cp)
                + " (at position " + position + ")"));
      }
      position += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      i += Character.charCount(cp);
    }
    if (!errors.isEmpty()) {
      throw PatchException.invalid("meta.k8s.io", optionsKind, "", errors);
    }
  }

  /**
   * The manager kube records for a write without {@code fieldManager}: the User-Agent up to its first {@code /},
   * without unprintable characters, cut to {@value #MAX_FIELD_MANAGER_LENGTH} bytes ({@code kubectl/v1.32.0 ...}
   * becomes {@code kubectl}).
   */
  static String managerOrUserAgent(String fieldManager, String userAgent) {
    if (fieldManager != null && !fieldManager.isEmpty()) {
      return fieldManager;
    }
    String agent = userAgent == null ? "" : userAgent;
    int slash = agent.indexOf('/');
    String prefix = slash < 0 ? agent : agent.substring(0, slash);
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < prefix.length(); ) {
      int cp = prefix.codePointAt(i);
      i += Character.charCount(cp);
      if (!GoStrings.isPrint(cp)) {
        continue;
      }
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_FIELD_MANAGER_LENGTH) {
        break;
      }
      bytes += size;
      out.appendCodePoint(cp);
    }
    return out.toString();
  }
}
