package io.revisor.apiserver.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.revisor.apiserver.admission.FieldError;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.http.ApiException;
import io.revisor.storage.resource.ObjectKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The limits of a StorageQuota ({@code spec.hard}): which keys and values are valid, and kube's words for a write
 * that would exceed one. A key is {@code count/<plural>.<group>} (how many objects) or {@code bytes/<plural>.<group>}
 * (their total stored size); a value is a kube quantity ({@code 10}, {@code 2k}, {@code 10Mi}), never negative, and
 * a whole number for counts. Bytes round up to a whole byte, as kube's {@code Quantity.Value()} does; values beyond
 * {@link Long#MAX_VALUE} mean no limit. Stateless.
 */
final class QuotaLimits {
  /** kube's {@code resource.ErrFormatWrong} pattern; {@link #QUANTITY} is the exact grammar behind it. */
  static final String QUANTITY_FORMAT = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
  private static final Pattern QUANTITY = Pattern.compile(
      "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** What a limit counts. */
  enum Measure {
    COUNT("count"),
    BYTES("bytes");

    private final String prefix;

    Measure(String prefix) {
      this.prefix = prefix;
    }

    /** The key of this measure of {@code resource}: {@code count/<resource>} or {@code bytes/<resource>}. */
    String key(String resource) {
      return prefix + "/" + resource;
    }
  }

  /**
   * One valid entry of {@code spec.hard}.
   *
   * @param measure what it counts
   * @param resource the limited resource, {@code <plural>.<group>}
   * @param hard the limit, a whole number
   * @param spelled the value as the quota writes it, for messages
   */
  record Limit(Measure measure, String resource, long hard, String spelled) {
    String key() {
      return measure.key(resource);
    }
  }

  private QuotaLimits() {}

  /** The problems of {@code hard} (a quota's {@code spec.hard}), with field paths {@code spec.hard[<key>]}. */
  static List<FieldError> validate(JsonNode hard) {
    List<FieldError> errors = new ArrayList<>();
    if (!hard.isObject()) {
      errors.add(FieldError.required("spec.hard", ""));
      return errors;
    }
    hard.properties().forEach(e -> limit(e.getKey(), e.getValue(), errors));
    return errors;
  }

  /** The valid limits of {@code hard}, in its order; anything invalid (or not an object) is left out. */
  static List<Limit> parse(JsonNode hard) {
    List<Limit> limits = new ArrayList<>();
    List<FieldError> ignored = new ArrayList<>();
    hard.properties().forEach(e -> {
      Limit limit = limit(e.getKey(), e.getValue(), ignored);
      if (limit != null) {
        limits.add(limit);
      }
    });
    return limits;
  }

  /** The limit {@code key: value} states, or null after adding to {@code errors} why it is not one. */
  private static Limit limit(String key, JsonNode value, List<FieldError> errors) {
    String field = "spec.hard[" + key + "]";
    int slash = key.indexOf('/');
    Measure measure = slash < 0 ? null : switch (key.substring(0, slash)) {
      case "count" -> Measure.COUNT;
      case "bytes" -> Measure.BYTES;
      default -> null;
    };
    String resource = slash < 0 ? "" : key.substring(slash + 1);
    if (measure == null || !isResourceName(resource)) {
      errors.add(FieldError.invalid(field, key,
          "must be count/<plural>.<group> or bytes/<plural>.<group>, e.g. count/dashboards.demo.revisor.io"));
      return null;
    }
    if (resource.substring(resource.indexOf('.') + 1).equals(DefinitionLoader.SYSTEM_GROUP)) {
      errors.add(FieldError.invalid(field, key, "Revisor's own kinds (" + DefinitionLoader.SYSTEM_GROUP
          + ") are not limited by quotas"));
      return null;
    }
    String text = value.isIntegralNumber() || value.isTextual() ? value.asText() : null;
    if (text == null || !QUANTITY.matcher(text).matches()) {
      errors.add(FieldError.invalid(field, text == null ? value.toString() : text,
          "quantities must match the regular expression '" + QUANTITY_FORMAT + "'"));
      return null;
    }
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(new Quantity(text));
    } catch (IllegalArgumentException | ArithmeticException e) {
      errors.add(FieldError.invalid(field, text, "quantities must match the regular expression '"
          + QUANTITY_FORMAT + "'"));
      return null;
    }
    if (amount.signum() < 0) {
      errors.add(FieldError.invalid(field, text, "must be greater than or equal to 0"));
      return null;
    }
    if (measure == Measure.COUNT && amount.stripTrailingZeros().scale() > 0) {
      errors.add(FieldError.invalid(field, text, "must be an integer"));
      return null;
    }
    BigDecimal whole = amount.setScale(0, RoundingMode.CEILING);
    long hard = whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : whole.longValueExact();
    return new Limit(measure, resource, hard, text);
  }

  /** {@code <plural>.<group>}: lowercase DNS labels, at least two, at most 253 characters. */
  private static boolean isResourceName(String resource) {
    String[] labels = resource.split("\\.", -1);
    if (resource.length() > 253 || labels.length < 2) {
      return false;
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** 422 Invalid for a StorageQuota named {@code name} with {@code errors}. */
  static ApiException invalid(String name, List<FieldError> errors) {
    return ApiException.invalid(DefinitionLoader.SYSTEM_GROUP, StorageQuotas.KIND, name,
        errors.stream().map(e -> new ApiException.Cause(e.type(), e.message(), e.field())).toList());
  }

  /**
   * kube's ResourceQuota admission refusal, word for word: {@code <plural>.<group> "<name>" is forbidden: exceeded
   * quota: <quota>, requested: <key>=<value>,..., used: ..., limited: ...}, each list sorted by key and naming only
   * the exceeded keys.
   */
  static ApiException exceeded(ObjectKey key, String quota, SortedMap<String, String> requested,
      SortedMap<String, String> used, SortedMap<String, String> limited) {
    String message = key.describe() + " is forbidden: exceeded quota: " + quota + ", requested: " + list(requested)
        + ", used: " + list(used) + ", limited: " + list(limited);
    return ApiException.of(403, "Forbidden", message,
        new ApiException.Details(key.name(), key.type().group(), key.type().resource(), null), List.of());
  }

  private static String list(Map<String, String> values) {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
