package io.revisor.apiserver.http;

import io.revisor.storage.selection.FieldSelector;
import io.revisor.storage.selection.ObjectPredicate;
import io.revisor.storage.selection.SelectionPredicate;
import java.util.Set;

/**
 * The read parameters of get, list and watch, validated by Kubernetes' rules ({@code ListOptions} validation).
 *
 * @param resourceVersion the {@code resourceVersion} parameter: null when unset, otherwise its value (0 for "0")
 * @param match {@code resourceVersionMatch}: empty, {@code Exact} or {@code NotOlderThan}
 * @param limit {@code limit} (0 = none)
 * @param continueToken {@code continue}, or null
 * @param predicate the label and field selection
 * @param sendInitialEvents {@code sendInitialEvents}, or null when unset
 * @param allowBookmarks {@code allowWatchBookmarks}
 * @param timeoutSeconds {@code timeoutSeconds}, or null
 */
public record ReadParams(
    Long resourceVersion,
    String match,
    long limit,
    String continueToken,
    ObjectPredicate predicate,
    Boolean sendInitialEvents,
    boolean allowBookmarks,
    Long timeoutSeconds) {
  public static final String EXACT = "Exact";
  public static final String NOT_OLDER_THAN = "NotOlderThan";
  private static final Set<String> SELECTABLE_FIELDS =
      Set.of(FieldSelector.METADATA_NAME, FieldSelector.METADATA_NAMESPACE);

  /** Parses and validates the parameters of a list ({@code watch} false) or watch request. */
  public static ReadParams parse(QueryParams query, boolean watch) {
    return parse(query, watch, java.util.List.of());
  }

  /**
   * Parses and validates the parameters of a list ({@code watch} false) or watch request whose kind also lets field
   * selectors use {@code selectableFields} (dotted paths, such as {@code spec.color}).
   */
  public static ReadParams parse(QueryParams query, boolean watch, java.util.List<String> selectableFields) {
    Long rv = resourceVersion(query.string("resourceVersion"));
    String match = query.string("resourceVersionMatch");
    String token = query.string("continue");
    Boolean initial = query.has("sendInitialEvents") && !query.string("sendInitialEvents").isEmpty()
        ? query.bool("sendInitialEvents", false)
        : null;
    long limit = query.nonNegativeLong("limit", 0);
    if (!match.isEmpty() && !match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
      throw ApiException.invalidOptions("ListOptions", "resourceVersionMatch",
          "Unsupported value: \"" + match + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
    }
    if (!watch && !match.isEmpty() && rv == null) {
      throw ApiException.invalidOptions("ListOptions", "resourceVersionMatch",
          "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
    }
    if (!watch && !match.isEmpty() && !token.isEmpty()) {
      throw ApiException.invalidOptions("ListOptions", "resourceVersionMatch",
          "Forbidden: resourceVersionMatch is forbidden when continue is provided");
    }
    if (!watch && match.equals(EXACT) && rv != null && rv == 0) {
      throw ApiException.invalidOptions("ListOptions", "resourceVersionMatch",
          "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
    }
    if (initial != null && !watch) {
      throw ApiException.invalidOptions("ListOptions", "sendInitialEvents",
          "Forbidden: sendInitialEvents is forbidden for list");
    }
    if (watch && initial != null && !match.equals(NOT_OLDER_THAN)) {
      throw ApiException.invalidOptions("ListOptions", "resourceVersionMatch",
          "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    }
    if (watch && !match.isEmpty() && initial == null) {
      throw ApiException.invalidOptions("ListOptions", "resourceVersionMatch",
          "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
    }
    if (!token.isEmpty() && rv != null && rv != 0) {
      throw ApiException.badRequest("specifying resource version is not allowed when using continue");
    }
    ObjectPredicate predicate;
    try {
      predicate = SelectionPredicate.parse(query.string("labelSelector"), query.string("fieldSelector"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    for (String field : predicate.fieldPaths()) {
      if (!SELECTABLE_FIELDS.contains(field) && !selectableFields.contains(field)) {
        throw ApiException.badRequest("field label not supported: " + field);
      }
    }
    Long timeout = query.has("timeoutSeconds") ? query.nonNegativeLong("timeoutSeconds", 0) : null;
    return new ReadParams(rv, match, limit, token.isEmpty() ? null : token, predicate, initial,
        query.bool("allowWatchBookmarks", false), timeout);
  }

  /** Parses a resourceVersion parameter: null when empty; a non-numeric value is a 400. */
  public static Long resourceVersion(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid resource version: " + QueryParams.quote(value));
    }
  }
}
