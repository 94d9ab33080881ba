package io.revisor.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.GoStrings;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metadata.managedFields} decoded: one {@link Entry} per manager identity, with its time. Mirrors kube's
 * {@code DecodeManagedFields}/{@code encodeManagedFields}: an {@code Update} entry is identified by manager,
 * operation, apiVersion and subresource, an {@code Apply} entry by manager, operation and subresource only (so an
 * applier keeps one entry across versions); a later entry with the same identity replaces an earlier one; entries
 * are written sorted by operation, time, manager, apiVersion and subresource.
 *
 * <p>Mutable, confined to one call.
 */
final class ManagedFields {
  static final String APPLY = "Apply";
  static final String UPDATE = "Update";

  /** Who owns a set of fields, as kube's manager identifier ({@code BuildManagerIdentifier}). */
  record ManagerId(String manager, String operation, String apiVersion, String subresource) {
    static ManagerId of(String manager, String operation, String apiVersion, String subresource) {
      return new ManagerId(manager == null ? "" : manager, operation,
          APPLY.equals(operation) || apiVersion == null ? "" : apiVersion, subresource == null ? "" : subresource);
    }

    /** The identifier kube uses as the map key: the entry's JSON without time, fields and (for Apply) version. */
    String identifier() {
      StringBuilder out = new StringBuilder("{");
      appendField(out, "manager", manager);
      appendField(out, "operation", operation);
      appendField(out, "apiVersion", apiVersion);
      appendField(out, "subresource", subresource);
      return out.append('}').toString();
    }

    private static void appendField(StringBuilder out, String name, String value) {
      if (value.isEmpty()) {
        return;
      }
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"').append(name).append("\":").append(GoText.json(JsonNodeFactory.instance.textNode(value)));
    }

    PatchException.Conflict conflictOn(String field) {
      return new PatchException.Conflict(manager, operation, apiVersion, subresource, field);
    }
  }

  /** The fields one manager owns, at the API version it used; {@code applied} for server-side apply. */
  record Entry(FieldSet set, String apiVersion, boolean applied) {}

  /** Thrown by {@link #decode} for managedFields kube would not accept. */
  static final class InvalidException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidException(String message) {
      super(message, null, false, false);
    }
  }

  final Map<ManagerId, Entry> entries = new LinkedHashMap<>();
  final Map<ManagerId, Instant> times = new HashMap<>();

  static ManagedFields empty() {
    return new ManagedFields();
  }

  /**
   * Decodes {@code metadata.managedFields}.
   *
   * @param list the JSON array (null or absent for none)
   * @throws InvalidException for an entry with an unknown operation, no apiVersion, a fieldsType other than
   *     {@code FieldsV1}, or fields or time that do not parse
   */
  static ManagedFields decode(JsonNode list) throws InvalidException {
    ManagedFields managed = new ManagedFields();
    if (list == null || list.isNull()) {
      return managed;
    }
    if (!list.isArray()) {
      throw new InvalidException("managedFields must be a list");
    }
    int i = 0;
    for (JsonNode item : list) {
      if (!item.isObject()) {
        throw new InvalidException("managed fields entry " + i + " is not an object");
      }
      String operation = text(item, "operation");
      if (!APPLY.equals(operation) && !UPDATE.equals(operation)) {
        throw new InvalidException("operation must be `Apply` or `Update`");
      }
      String apiVersion = text(item, "apiVersion");
      if (apiVersion.isEmpty()) {
        throw new InvalidException("apiVersion must not be empty");
      }
      String fieldsType = text(item, "fieldsType");
      if (fieldsType.isEmpty()) {
        throw new InvalidException("missing fieldsType in managed fields entry " + i);
      } else if (!fieldsType.equals("FieldsV1")) {
        throw new InvalidException("invalid fieldsType " + GoStrings.quote(fieldsType) + " in managed fields entry " + i);
      }
      ManagerId id = ManagerId.of(text(item, "manager"), operation, apiVersion, text(item, "subresource"));
      FieldSet set;
      try {
        set = FieldSet.fromFieldsV1(item.get("fieldsV1"));
      } catch (IllegalArgumentException e) {
        throw new InvalidException("error decoding set: " + e.getMessage());
      }
      managed.entries.remove(id); // a later entry with the same identity replaces the earlier one
      managed.entries.put(id, new Entry(set, apiVersion, APPLY.equals(operation)));
      Instant time = time(item.get("time"));
      if (time == null) {
        managed.times.remove(id);
      } else {
        managed.times.put(id, time);
      }
      i++;
    }
    return managed;
  }

  private static String text(JsonNode item, String field) throws InvalidException {
    JsonNode value = item.get(field);
    if (value == null || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new InvalidException(field + " must be a string");
    }
    return value.textValue();
  }

  private static Instant time(JsonNode value) throws InvalidException {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidException("time must be a string");
    }
    try {
      return OffsetDateTime.parse(value.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
          .truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw new InvalidException("time " + GoStrings.quote(value.textValue()) + " is not RFC 3339");
    }
  }

  /**
   * Whether a request asks to clear managedFields: an empty list, or a list of one empty entry (kube's
   * {@code isResetManagedFields}).
   */
  static boolean isReset(JsonNode list) {
    if (list == null || !list.isArray()) {
      return false;
    }
    if (list.isEmpty()) {
      return true;
    }
    if (list.size() != 1 || !list.get(0).isObject()) {
      return false;
    }
    for (Iterator<JsonNode> it = list.get(0).elements(); it.hasNext(); ) {
      JsonNode value = it.next();
      if (!value.isNull() && !(value.isTextual() && value.textValue().isEmpty())) {
        return false;
      }
    }
    return true;
  }

  /** Removes the entries whose set is empty. */
  void dropEmpty() {
    entries.entrySet().removeIf(e -> {
      if (e.getValue().set().isEmpty()) {
        times.remove(e.getKey());
        return true;
      }
      return false;
    });
  }

  ManagedFields copy() {
    ManagedFields out = new ManagedFields();
    out.entries.putAll(entries);
    out.times.putAll(times);
    return out;
  }

  /** The managedFields list, sorted like kube; null when there are no entries (the field is then removed). */
  ArrayNode encode() {
    if (entries.isEmpty()) {
      return null;
    }
    List<Map.Entry<ManagerId, Entry>> sorted = new ArrayList<>(entries.entrySet());
    sorted.sort(Comparator
        .<Map.Entry<ManagerId, Entry>, String>comparing(e -> e.getValue().applied() ? APPLY : UPDATE)
        .thenComparingLong(e -> seconds(e.getKey()))
        .thenComparing(e -> e.getKey().manager(), GoText::compareBytes)
        .thenComparing(e -> e.getValue().apiVersion(), GoText::compareBytes)
        .thenComparing(e -> e.getKey().subresource(), GoText::compareBytes));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (Map.Entry<ManagerId, Entry> e : sorted) {
      ManagerId id = e.getKey();
      ObjectNode item = out.addObject();
      if (!id.manager().isEmpty()) {
        item.put("manager", id.manager());
      }
      item.put("operation", e.getValue().applied() ? APPLY : UPDATE);
      item.put("apiVersion", e.getValue().apiVersion());
      Instant time = times.get(id);
      if (time != null) {
        item.put("time", DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS)));
      }
      item.put("fieldsType", "FieldsV1");
      item.set("fieldsV1", e.getValue().set().toFieldsV1());
      if (!id.subresource().isEmpty()) {
        item.put("subresource", id.subresource());
      }
    }
    return out;
  }

  long seconds(ManagerId id) {
    Instant time = times.get(id);
    return time == null ? 0 : time.getEpochSecond();
  }
}
