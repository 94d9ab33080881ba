package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Validation of a custom resource's {@code metadata} on create and update, as apimachinery's
 * {@code ValidateObjectMetaAccessor} and {@code ValidateObjectMetaAccessorUpdate} do it for custom resources (names are
 * DNS-1123 subdomains), with kube's exact messages.
 *
 * <p>Inputs are the JSON {@code metadata} objects (null or missing means empty); nothing is mutated. A metadata value
 * of the wrong JSON type (a number for {@code name}, a list for {@code labels}) is reported as
 * {@link FieldError#TYPE_INVALID} and stops the validation: kube-apiserver refuses such a body earlier, while decoding,
 * with a 400. Stateless and thread-safe.
 */
public final class ObjectMetaValidation {
  /** kube's {@code TotalAnnotationSizeLimitB}: keys plus values, in bytes. */
  public static final int TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

  private static final String IMMUTABLE = "field is immutable";

  private ObjectMetaValidation() {}

  /**
   * Validates the metadata of an object about to be created.
   *
   * <p>{@code name} is required unless {@code generateName} is set (the name is generated after validation here);
   * {@code namespace} is required for namespaced kinds and forbidden for cluster-scoped ones.
   *
   * @param metadata the object's {@code metadata}, may be null
   * @param namespaced whether the kind is namespace-scoped
   * @return the errors in kube's order, empty when valid
   */
  public static List<FieldError> validateCreate(JsonNode metadata, boolean namespaced) {
    List<FieldError> errs = new ArrayList<>();
    FieldPath p = FieldPath.of("metadata");
    Meta m = Meta.decode(metadata, p, errs);
    if (m != null) {
      validateObjectMeta(m, namespaced, NameRules::nameIsDnsSubdomain, p, true, errs);
    }
    return errs;
  }

  /**
   * Validates the metadata of an object replacing {@code oldMetadata}: {@code resourceVersion} must be set,
   * {@code name}, {@code namespace}, {@code uid}, {@code creationTimestamp}, {@code deletionTimestamp} and
   * {@code deletionGracePeriodSeconds} cannot change, {@code generation} cannot go down, no finalizer can be added to
   * an object being deleted; labels, annotations, owner references and managed fields are checked again.
   *
   * @param newMetadata the new object's {@code metadata}, may be null
   * @param oldMetadata the stored object's {@code metadata}, may be null
   * @return the errors in kube's order, empty when valid
   */
  public static List<FieldError> validateUpdate(JsonNode newMetadata, JsonNode oldMetadata) {
    List<FieldError> errs = new ArrayList<>();
    FieldPath p = FieldPath.of("metadata");
    Meta now = Meta.decode(newMetadata, p, errs);
    if (now == null) {
      return errs;
    }
    Meta old = Meta.decode(oldMetadata, p, new ArrayList<>());
    if (old == null) {
      old = Meta.decode(null, p, new ArrayList<>());
    }
    if (old.deletionTimestamp != null) {
      TreeSet<String> added = new TreeSet<>(now.finalizers);
      added.removeAll(old.finalizers);
      if (!added.isEmpty()) {
        StringBuilder go = new StringBuilder("[]string{");
        int i = 0;
        for (String f : added) {
          go.append(i++ > 0 ? ", " : "").append(GoStrings.quote(f));
        }
        errs.add(FieldError.forbidden(p.child("finalizers").toString(),
            "no new finalizers can be added if the object is being deleted, found new finalizers " + go + "}"));
      }
    }
    if (now.resourceVersion.isEmpty()) {
      errs.add(FieldError.invalid(p.child("resourceVersion").toString(), "", "must be specified for an update"));
    }
    if (now.generation < old.generation) {
      errs.add(FieldError.invalid(p.child("generation").toString(), now.generation, "must not be decremented"));
    }
    immutable(errs, p.child("name"), now.name, old.name, now.name);
    immutable(errs, p.child("namespace"), now.namespace, old.namespace, now.namespace);
    immutable(errs, p.child("uid"), now.uid, old.uid, new GoText.Rendered(GoText.jsonString(now.uid)));
    immutableTime(errs, p.child("creationTimestamp"), now.creationTimestamp, old.creationTimestamp);
    immutableTime(errs, p.child("deletionTimestamp"), now.deletionTimestamp, old.deletionTimestamp);
    immutable(errs, p.child("deletionGracePeriodSeconds"), now.deletionGracePeriodSeconds,
        old.deletionGracePeriodSeconds, now.deletionGracePeriodSeconds);
    validateLabels(now.labels, p.child("labels"), errs);
    validateAnnotations(now.annotations, p.child("annotations"), errs);
    validateOwnerReferences(now, p.child("ownerReferences"), errs);
    validateManagedFields(now, p.child("managedFields"), errs);
    return errs;
  }

  /**
   * Whether {@code value} is a DNS-1123 subdomain (at most 253 characters of {@code [a-z0-9]} labels joined by
   * {@code .}, each starting and ending alphanumeric, {@code -} inside): the rule for custom resource names.
   */
  public static boolean isDns1123Subdomain(String value) {
    return NameRules.dns1123Subdomain(value).isEmpty();
  }

  /** Whether {@code value} is a DNS-1123 label (at most 63 characters, no dots): the rule for namespace names. */
  public static boolean isDns1123Label(String value) {
    return NameRules.dns1123Label(value).isEmpty();
  }

  /** {@code ValidateObjectMetaAccessor}; shared with the validation of embedded resources. */
  static void validateObjectMeta(Meta m, boolean requiresNamespace, NameRules.NameRule nameRule, FieldPath p,
      boolean generateNameStandsForName, List<FieldError> errs) {
    if (!m.generateName.isEmpty()) {
      for (String msg : nameRule.check(m.generateName, true)) {
        errs.add(FieldError.invalid(p.child("generateName").toString(), m.generateName, msg));
      }
    }
    if (m.name.isEmpty()) {
      if (!generateNameStandsForName || m.generateName.isEmpty()) {
        errs.add(FieldError.required(p.child("name").toString(), "name or generateName is required"));
      }
    } else {
      for (String msg : nameRule.check(m.name, false)) {
        errs.add(FieldError.invalid(p.child("name").toString(), m.name, msg));
      }
    }
    if (requiresNamespace) {
      if (m.namespace.isEmpty()) {
        errs.add(FieldError.required(p.child("namespace").toString(), ""));
      } else {
        for (String msg : NameRules.dns1123Label(m.namespace)) {
          errs.add(FieldError.invalid(p.child("namespace").toString(), m.namespace, msg));
        }
      }
    } else if (!m.namespace.isEmpty()) {
      errs.add(FieldError.forbidden(p.child("namespace").toString(), "not allowed on this type"));
    }
    if (m.generation < 0) {
      errs.add(FieldError.invalid(p.child("generation").toString(), m.generation,
          "must be greater than or equal to 0"));
    }
    validateLabels(m.labels, p.child("labels"), errs);
    validateAnnotations(m.annotations, p.child("annotations"), errs);
    validateOwnerReferences(m, p.child("ownerReferences"), errs);
    validateFinalizers(m, p.child("finalizers"), errs);
    validateManagedFields(m, p.child("managedFields"), errs);
  }

  private static void validateLabels(Map<String, String> labels, FieldPath p, List<FieldError> errs) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      for (String msg : NameRules.qualifiedName(e.getKey())) {
        errs.add(FieldError.invalid(p.toString(), e.getKey(), msg));
      }
      for (String msg : NameRules.labelValue(e.getValue())) {
        errs.add(FieldError.invalid(p.toString(), e.getValue(), msg));
      }
    }
  }

  private static void validateAnnotations(Map<String, String> annotations, FieldPath p, List<FieldError> errs) {
    long total = 0;
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      // the rule is a qualified name, except that case does not matter
      for (String msg : NameRules.qualifiedName(e.getKey().toLowerCase(Locale.ROOT))) {
        errs.add(FieldError.invalid(p.toString(), e.getKey(), msg));
      }
      total += Json.utf8Length(e.getKey()) + Json.utf8Length(e.getValue());
    }
    if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
      errs.add(FieldError.tooLong(p.toString(), TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
    }
  }

  private static void validateOwnerReferences(Meta m, FieldPath p, List<FieldError> errs) {
    String firstController = "";
    for (OwnerReference ref : m.ownerReferences) {
      String version = groupVersion(ref.apiVersion)[1];
      if (version.isEmpty()) {
        errs.add(FieldError.invalid(p.child("apiVersion").toString(), ref.apiVersion, "version must not be empty"));
      }
      if (ref.kind.isEmpty()) {
        errs.add(FieldError.invalid(p.child("kind").toString(), ref.kind, "kind must not be empty"));
      }
      if (ref.name.isEmpty()) {
        errs.add(FieldError.invalid(p.child("name").toString(), ref.name, "name must not be empty"));
      }
      if (ref.uid.isEmpty()) {
        errs.add(FieldError.invalid(p.child("uid").toString(), new GoText.Rendered(GoText.jsonString(ref.uid)),
            "uid must not be empty"));
      }
      String[] gv = groupVersion(ref.apiVersion);
      if (gv[0].isEmpty() && gv[1].equals("v1") && ref.kind.equals("Event")) {
        errs.add(FieldError.invalid(p.toString(), new GoText.Rendered(GoText.jsonStruct(ref.json())),
            "/v1, Kind=Event is disallowed from being an owner"));
      }
      if (Boolean.TRUE.equals(ref.controller)) {
        String current = ref.kind + "/" + ref.name;
        if (!firstController.isEmpty()) {
          StringBuilder all = new StringBuilder("[");
          for (int i = 0; i < m.ownerReferences.size(); i++) {
            all.append(i > 0 ? "," : "").append(GoText.jsonStruct(m.ownerReferences.get(i).json()));
          }
          errs.add(FieldError.invalid(p.toString(), new GoText.Rendered(all.append(']').toString()),
              "Only one reference can have Controller set to true. Found \"true\" in references for "
                  + firstController + " and " + current));
        } else {
          firstController = current;
        }
      }
    }
  }

  private static void validateFinalizers(Meta m, FieldPath p, List<FieldError> errs) {
    for (String f : m.finalizers) {
      for (String msg : NameRules.qualifiedName(f)) {
        errs.add(FieldError.invalid(p.toString(), f, msg));
      }
    }
    if (m.finalizers.contains("orphan") && m.finalizers.contains("foregroundDeletion")) {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      m.finalizers.forEach(list::add);
      errs.add(FieldError.invalid(p.toString(), list,
          "finalizer orphan and foregroundDeletion cannot be both set"));
    }
  }

  private static void validateManagedFields(Meta m, FieldPath p, List<FieldError> errs) {
    for (ManagedField f : m.managedFields) {
      if (!f.operation.equals("Apply") && !f.operation.equals("Update")) {
        errs.add(FieldError.invalid(p.child("operation").toString(), f.operation, "must be `Apply` or `Update`"));
      }
      if (!f.fieldsType.isEmpty() && !f.fieldsType.equals("FieldsV1")) {
        errs.add(FieldError.invalid(p.child("fieldsType").toString(), f.fieldsType, "must be `FieldsV1`"));
      }
    }
  }

  /**
   * A metav1.Time that must not change; compared at second precision, as kube does. Equal texts are the usual case
   * and need no parsing.
   */
  private static void immutableTime(List<FieldError> errs, FieldPath p, String now, String old) {
    if (!Objects.equals(now, old)) {
      immutable(errs, p, instant(now), instant(old), timeValue(now));
    }
  }

  private static void immutable(List<FieldError> errs, FieldPath p, Object now, Object old, Object shown) {
    if (!Objects.equals(now, old)) {
      errs.add(FieldError.invalid(p.toString(), shown, IMMUTABLE));
    }
  }

  /** {@code schema.ParseGroupVersion} as [group, version]; an unparsable value has an empty version. */
  static String[] groupVersion(String apiVersion) {
    if (apiVersion.isEmpty() || apiVersion.equals("/")) {
      return new String[] {"", ""};
    }
    int slashes = apiVersion.length() - apiVersion.replace("/", "").length();
    if (slashes == 0) {
      return new String[] {"", apiVersion};
    }
    if (slashes == 1) {
      int i = apiVersion.indexOf('/');
      return new String[] {apiVersion.substring(0, i), apiVersion.substring(i + 1)};
    }
    return new String[] {"", ""};
  }

  /** A timestamp as metav1.Time compares it (to the second), or the text itself when it does not parse. */
  private static Object instant(String time) {
    if (time == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(time).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      return time;
    }
  }

  /** A metav1.Time as its JSON: {@code "2006-01-02T15:04:05Z"} in UTC, null when unset. */
  private static Object timeValue(String time) {
    Object at = instant(time);
    if (at == null) {
      return new GoText.Rendered("null");
    }
    String text = at instanceof Instant i ? i.toString() : at.toString();
    return new GoText.Rendered(GoText.jsonString(text));
  }

  /** An owner reference with the fields validation reads. */
  record OwnerReference(String apiVersion, String kind, String name, String uid, Boolean controller,
      Boolean blockOwnerDeletion) {
    /** The reference as Go's struct marshals it (field order, optional pointers omitted). */
    ObjectNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("apiVersion", apiVersion).put("kind", kind).put("name", name).put("uid", uid);
      if (controller != null) {
        o.put("controller", controller);
      }
      if (blockOwnerDeletion != null) {
        o.put("blockOwnerDeletion", blockOwnerDeletion);
      }
      return o;
    }
  }

  /** A managed fields entry with the fields validation reads. */
  record ManagedField(String operation, String fieldsType) {}

  /** The decoded metadata fields validation reads; absent strings are "". */
  static final class Meta {
    String name = "";
    String generateName = "";
    String namespace = "";
    String uid = "";
    String resourceVersion = "";
    long generation;
    String creationTimestamp;
    String deletionTimestamp;
    Long deletionGracePeriodSeconds;
    final Map<String, String> labels = new LinkedHashMap<>();
    final Map<String, String> annotations = new LinkedHashMap<>();
    final List<OwnerReference> ownerReferences = new ArrayList<>();
    final List<String> finalizers = new ArrayList<>();
    final List<ManagedField> managedFields = new ArrayList<>();

    /**
     * Reads metadata, reporting values of the wrong JSON type under {@code p}; null when any is wrong (kube's decode
     * would fail). Unknown fields are ignored here (pruning removes them).
     */
    static Meta decode(JsonNode metadata, FieldPath p, List<FieldError> errs) {
      Meta m = new Meta();
      if (metadata == null || metadata.isNull() || metadata.isMissingNode()) {
        return m;
      }
      if (!metadata.isObject()) {
        errs.add(FieldError.typeInvalid(p.toString(), metadata, "must be an object"));
        return null;
      }
      int before = errs.size();
      m.name = string(metadata, "name", p, errs);
      m.generateName = string(metadata, "generateName", p, errs);
      m.namespace = string(metadata, "namespace", p, errs);
      m.uid = string(metadata, "uid", p, errs);
      m.resourceVersion = string(metadata, "resourceVersion", p, errs);
      string(metadata, "selfLink", p, errs);
      JsonNode generation = metadata.get("generation");
      if (generation != null && !generation.isNull()) {
        if (Json.isInteger(generation)) {
          m.generation = generation.longValue();
        } else {
          errs.add(FieldError.typeInvalid(p.child("generation").toString(), generation, "must be an integer"));
        }
      }
      String created = string(metadata, "creationTimestamp", p, errs);
      m.creationTimestamp = created.isEmpty() ? null : created;
      String deleted = string(metadata, "deletionTimestamp", p, errs);
      m.deletionTimestamp = deleted.isEmpty() ? null : deleted;
      JsonNode grace = metadata.get("deletionGracePeriodSeconds");
      if (grace != null && !grace.isNull()) {
        if (Json.isInteger(grace)) {
          m.deletionGracePeriodSeconds = grace.longValue();
        } else {
          errs.add(FieldError.typeInvalid(p.child("deletionGracePeriodSeconds").toString(), grace,
              "must be an integer"));
        }
      }
      stringMap(metadata, "labels", p, errs, m.labels);
      stringMap(metadata, "annotations", p, errs, m.annotations);
      JsonNode finalizers = metadata.get("finalizers");
      if (finalizers != null && !finalizers.isNull()) {
        if (finalizers.isArray() && allTextual(finalizers)) {
          finalizers.forEach(f -> m.finalizers.add(f.textValue()));
        } else {
          errs.add(FieldError.typeInvalid(p.child("finalizers").toString(), finalizers,
              "must be an array of strings"));
        }
      }
      for (JsonNode ref : objects(metadata, "ownerReferences", p, errs)) {
        FieldPath rp = p.child("ownerReferences");
        m.ownerReferences.add(new OwnerReference(string(ref, "apiVersion", rp, errs), string(ref, "kind", rp, errs),
            string(ref, "name", rp, errs), string(ref, "uid", rp, errs), bool(ref, "controller", rp, errs),
            bool(ref, "blockOwnerDeletion", rp, errs)));
      }
      for (JsonNode entry : objects(metadata, "managedFields", p, errs)) {
        FieldPath mp = p.child("managedFields");
        m.managedFields.add(new ManagedField(string(entry, "operation", mp, errs),
            string(entry, "fieldsType", mp, errs)));
      }
      return errs.size() == before ? m : null;
    }

    private static String string(JsonNode o, String field, FieldPath p, List<FieldError> errs) {
      JsonNode v = o.get(field);
      if (v == null || v.isNull()) {
        return "";
      }
      if (!v.isTextual()) {
        errs.add(FieldError.typeInvalid(p.child(field).toString(), v, "must be a string"));
        return "";
      }
      return v.textValue();
    }

    private static Boolean bool(JsonNode o, String field, FieldPath p, List<FieldError> errs) {
      JsonNode v = o.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isBoolean()) {
        errs.add(FieldError.typeInvalid(p.child(field).toString(), v, "must be a boolean"));
        return null;
      }
      return v.booleanValue();
    }

    private static void stringMap(JsonNode o, String field, FieldPath p, List<FieldError> errs,
        Map<String, String> into) {
      JsonNode v = o.get(field);
      if (v == null || v.isNull()) {
        return;
      }
      if (!v.isObject()) {
        errs.add(FieldError.typeInvalid(p.child(field).toString(), v, "must be an object of strings"));
        return;
      }
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        if (e.getValue().isTextual()) {
          into.put(e.getKey(), e.getValue().textValue());
        } else if (!e.getValue().isNull()) {
          errs.add(FieldError.typeInvalid(p.child(field).toString(), v, "must be an object of strings"));
          return;
        } else {
          into.put(e.getKey(), "");
        }
      }
    }

    private static List<JsonNode> objects(JsonNode o, String field, FieldPath p, List<FieldError> errs) {
      JsonNode v = o.get(field);
      List<JsonNode> out = new ArrayList<>();
      if (v == null || v.isNull()) {
        return out;
      }
      if (!v.isArray()) {
        errs.add(FieldError.typeInvalid(p.child(field).toString(), v, "must be an array of objects"));
        return out;
      }
      for (JsonNode item : v) {
        if (!item.isObject()) {
          errs.add(FieldError.typeInvalid(p.child(field).toString(), v, "must be an array of objects"));
          return List.of();
        }
        out.add(item);
      }
      return out;
    }

    private static boolean allTextual(JsonNode array) {
      for (JsonNode n : array) {
        if (!n.isTextual()) {
          return false;
        }
      }
      return true;
    }
  }
}
