package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.GoStrings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube-openapi's {@code validate.SchemaValidator} as kube-apiserver runs it on custom resources, with the conversion
 * of its results to field errors ({@code kubeOpenAPIResultToFieldErrors}).
 *
 * <p>Each node runs kube-openapi's validators in their order (type, allOf/anyOf/oneOf/not, string, format, number,
 * array, enum, object) on the value's actual JSON kind. Paths are kube-openapi's ({@code spec.items[2].name}); the
 * messages are its texts ({@code spec.replicas in body must be of type integer: "string"}). For anyOf and oneOf the
 * errors of the alternative with the most passing checks are reported, as kube-openapi's match counts decide.
 * Errors of the logical junctors carry no path in kube ({@code <nil>}). Single use per call, not thread-safe.
 */
final class SchemaValidator {
  private final FieldPath base;

  /**
   * @param base the path the errors hang under: nil for a whole object, {@code ...default} for a default value
   */
  SchemaValidator(FieldPath base) {
    this.base = base;
  }

  /** Validates {@code data} against {@code schema}; the errors in kube-openapi's order, without duplicates. */
  List<FieldError> validate(SchemaNode schema, JsonNode data) {
    Result r = new Result();
    validate(schema, data, "", r);
    return new ArrayList<>(r.errors);
  }

  /** kube-openapi's result: errors plus the match count used to pick the best failing alternative. */
  private static final class Result {
    final Set<FieldError> errors = new LinkedHashSet<>();
    int matches;

    void add(FieldError e) {
      errors.add(e);
    }

    void merge(Result other) {
      errors.addAll(other.errors);
      matches += other.matches;
    }

    boolean valid() {
      return errors.isEmpty();
    }
  }

  private void validate(SchemaNode s, JsonNode data, String name, Result result) {
    if (s == null) {
      return;
    }
    if (data == null || data.isNull()) {
      result.merge(type(s, null, name));
      enumeration(s, null, name, result);
      return;
    }
    if (!s.types.isEmpty() || !s.format.isEmpty()) {
      result.merge(type(s, data, name));
      result.matches++;
    }
    result.merge(junctors(s, data, name));
    result.matches++;
    if (data.isTextual()) {
      string(s, data.textValue(), name, result);
      result.matches++;
      if (s.formatCheck != null) {
        if (!s.formatCheck.test(data.textValue())) {
          result.add(typeError(name, s.format, data.textValue()));
        }
        result.matches++;
      }
    }
    if (data.isNumber()) {
      result.merge(number(s, data, name));
      result.matches++;
    }
    if (data.isArray()) {
      result.merge(array(s, data, name));
      result.matches++;
    }
    enumeration(s, data, name, result);
    result.matches++;
    if (data.isObject()) {
      result.merge(object(s, data, name));
      result.matches++;
    }
    result.matches++;
  }

  /** kube-openapi's typeValidator, including its format-related shortcuts. */
  private Result type(SchemaNode s, JsonNode data, String name) {
    Result r = new Result();
    String types = String.join(",", s.types);
    if (data == null) {
      if (!s.types.isEmpty() && !s.types.contains("null") && !s.nullable) {
        r.add(typeError(name, types, "null"));
        return r;
      }
      r.matches = 1;
      return r;
    }
    String schType = Json.typeName(data);
    String dataFormat = Json.isInteger(data) ? "int64" : data.isNumber() ? "float64" : "";
    boolean stringOrArray = data.isTextual() || data.isArray();
    boolean isFloatInt = schType.equals("number") && isJsonInteger(data.doubleValue()) && s.types.contains("integer");
    boolean isIntFloat = schType.equals("integer") && s.types.contains("number");
    if (!stringOrArray && !s.format.isEmpty()
        && !(s.types.contains(schType) || dataFormat.equals(s.format) || isFloatInt || isIntFloat)) {
      r.add(typeError(name, s.format, dataFormat));
      return r;
    }
    boolean numeric = s.types.contains("number") || s.types.contains("integer");
    if (!numeric && !s.format.isEmpty() && stringOrArray) {
      r.matches = 1;
      return r;
    }
    if (!(s.types.contains(schType) || isFloatInt || isIntFloat)) {
      r.add(typeError(name, types, schType));
      return r;
    }
    r.matches = 1;
    return r;
  }

  private Result junctors(SchemaNode s, JsonNode data, String name) {
    Result main = new Result();
    if (!s.anyOf.isEmpty()) {
      Result best = null;
      Result firstSuccess = null;
      boolean succeeded = false;
      for (SchemaNode alternative : s.anyOf) {
        Result r = new Result();
        validate(alternative, data, name, r);
        if (r.valid()) {
          best = null;
          succeeded = true;
          firstSuccess = r;
          break;
        }
        if (best == null || r.matches > best.matches) {
          best = r;
        }
      }
      if (!succeeded) {
        main.add(composite(GoStrings.quote(name) + " must validate at least one schema (anyOf)"));
      }
      if (best != null) {
        main.merge(best);
      } else if (firstSuccess != null) {
        main.merge(firstSuccess);
      }
    }
    if (!s.oneOf.isEmpty()) {
      Result best = null;
      Result firstSuccess = null;
      int validated = 0;
      for (SchemaNode alternative : s.oneOf) {
        Result r = new Result();
        validate(alternative, data, name, r);
        if (r.valid()) {
          validated++;
          best = null;
          if (firstSuccess == null) {
            firstSuccess = r;
          }
          continue;
        }
        if (validated == 0 && (best == null || r.matches > best.matches)) {
          best = r;
        }
      }
      if (validated != 1) {
        String found = validated == 0 ? "Found none valid" : "Found " + validated + " valid alternatives";
        main.add(composite(GoStrings.quote(name) + " must validate one and only one schema (oneOf). " + found));
        if (best != null) {
          main.merge(best);
        }
      } else if (firstSuccess != null) {
        main.merge(firstSuccess);
      }
    }
    if (!s.allOf.isEmpty()) {
      int validated = 0;
      for (SchemaNode part : s.allOf) {
        Result r = new Result();
        validate(part, data, name, r);
        if (r.valid()) {
          validated++;
        }
        main.merge(r);
      }
      if (validated != s.allOf.size()) {
        main.add(composite(GoStrings.quote(name) + " must validate all the schemas (allOf)"
            + (validated == 0 ? ". None validated" : "")));
      }
    }
    if (s.not != null) {
      Result r = new Result();
      validate(s.not, data, name, r);
      if (r.valid()) {
        main.add(composite(GoStrings.quote(name) + " must not validate the schema (not)"));
      }
    }
    main.matches++;
    return main;
  }

  /** kube-openapi's stringValidator: only the first failing check is reported. */
  private void string(SchemaNode s, String value, String name, Result result) {
    long length = value.codePointCount(0, value.length());
    if (s.maxLength != null && length > s.maxLength) {
      result.add(FieldError.tooLong(field(name), s.maxLength));
    } else if (s.minLength != null && length < s.minLength) {
      result.add(FieldError.invalid(field(name), value, name + " in body should be at least " + s.minLength
          + " chars long"));
    } else if (s.pattern != null && !s.pattern.matches(value)) {
      result.add(FieldError.invalid(field(name), value, name + " in body should match '" + s.pattern.source() + "'"));
    }
  }

  /** kube-openapi's numberValidator: bounds truncated to int64 for integer values, as kube does. */
  private Result number(SchemaNode s, JsonNode data, String name) {
    Result r = new Result();
    boolean integer = Json.isInteger(data);
    Object value = integer ? (Object) data.longValue() : (Object) data.doubleValue();
    if (s.multipleOf != null) {
      double factor = s.multipleOf;
      if (integer && (long) factor != 0) {
        long f = (long) factor;
        if (f < 0) {
          r.add(FieldError.invalid(field(name), f, "factor MultipleOf declared for " + name + " must be positive: " + f));
        } else if (data.longValue() % f != 0) {
          r.add(FieldError.invalid(field(name), value, name + " in body should be a multiple of " + f));
        }
      } else {
        double d = data.doubleValue();
        if (factor < 0) {
          r.add(FieldError.invalid(field(name), factor, "factor MultipleOf declared for " + name + " must be positive: "
              + GoText.formatFloat(factor)));
        } else {
          double mult = factor < 1 ? 1 / factor * d : d / factor;
          if (!isJsonInteger(mult)) {
            r.add(FieldError.invalid(field(name), value, name + " in body should be a multiple of "
                + GoText.formatFloat(factor)));
          }
        }
      }
    }
    if (s.minimum != null) {
      boolean fails;
      String bound;
      if (integer) {
        long min = (long) (double) s.minimum;
        fails = s.exclusiveMinimum ? data.longValue() <= min : data.longValue() < min;
        bound = Long.toString(min);
      } else {
        fails = s.exclusiveMinimum ? data.doubleValue() <= s.minimum : data.doubleValue() < s.minimum;
        bound = GoText.formatFloat(s.minimum);
      }
      if (fails) {
        r.add(FieldError.invalid(field(name), value, name + " in body should be greater than "
            + (s.exclusiveMinimum ? "" : "or equal to ") + bound));
      }
    }
    if (s.maximum != null) {
      boolean fails;
      String bound;
      if (integer) {
        long max = (long) (double) s.maximum;
        fails = s.exclusiveMaximum ? data.longValue() >= max : data.longValue() > max;
        bound = Long.toString(max);
      } else {
        fails = s.exclusiveMaximum ? data.doubleValue() >= s.maximum : data.doubleValue() > s.maximum;
        bound = GoText.formatFloat(s.maximum);
      }
      if (fails) {
        r.add(FieldError.invalid(field(name), value, name + " in body should be less than "
            + (s.exclusiveMaximum ? "" : "or equal to ") + bound));
      }
    }
    r.matches++;
    return r;
  }

  private Result array(SchemaNode s, JsonNode data, String name) {
    Result r = new Result();
    if (s.items != null) {
      for (int i = 0; i < data.size(); i++) {
        Result item = new Result();
        validate(s.items, data.get(i), name + "[" + i + "]", item);
        r.merge(item);
      }
    }
    long size = data.size();
    if (s.minItems != null && size < s.minItems) {
      r.add(FieldError.invalid(field(name), size, name + " in body should have at least " + s.minItems + " items"));
    }
    if (s.maxItems != null && size > s.maxItems) {
      r.add(FieldError.tooMany(field(name), size, s.maxItems));
    }
    r.matches++;
    return r;
  }

  /** kube-openapi's basicCommonValidator: Go's conversions let 1.5 match an integer enum value 1. */
  private void enumeration(SchemaNode s, JsonNode data, String name, Result result) {
    if (s.enumValues == null || s.enumValues.isEmpty()) {
      return;
    }
    if (data != null && !data.isNull()) {
      for (JsonNode allowed : s.enumValues) {
        if (enumMatches(data, allowed)) {
          return;
        }
      }
    }
    List<String> supported = new ArrayList<>();
    for (JsonNode allowed : s.enumValues) {
      supported.add(allowed.isTextual() ? allowed.textValue() : GoText.json(allowed));
    }
    result.add(FieldError.notSupported(field(name), data, supported));
  }

  private static boolean enumMatches(JsonNode data, JsonNode allowed) {
    if (allowed.isNull()) {
      return false;
    }
    if (allowed.isTextual()) {
      return data.isTextual() && data.textValue().equals(allowed.textValue());
    }
    if (allowed.isNumber()) {
      if (!data.isNumber()) {
        return false;
      }
      if (Json.isInteger(allowed)) {
        // Go converts the value to the enum value's type first: a float is truncated to int64
        long v = Json.isInteger(data) ? data.longValue() : (long) data.doubleValue();
        return v == allowed.longValue();
      }
      return data.doubleValue() == allowed.doubleValue();
    }
    if (allowed.isBoolean()) {
      return data.isBoolean() && data.booleanValue() == allowed.booleanValue();
    }
    return data.getNodeType() == allowed.getNodeType() && Json.deepEqual(data, allowed);
  }

  private Result object(SchemaNode s, JsonNode data, String name) {
    Result r = new Result();
    long count = data.size();
    if (s.minProperties != null && count < s.minProperties) {
      r.add(FieldError.invalid(field(name), count, name + " in body should have at least " + s.minProperties
          + " properties"));
      return r;
    }
    if (s.maxProperties != null && count > s.maxProperties) {
      r.add(FieldError.tooMany(field(name), count, s.maxProperties));
      return r;
    }
    if (s.hasAdditionalProperties && !s.additionalPropertiesAllowed) {
      for (Iterator<String> it = data.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!s.properties.containsKey(k)) {
          r.add(FieldError.invalid(field(name), k, name + "." + k + " in body is a forbidden property"));
        }
      }
    } else if (s.additionalProperties != null) {
      for (Map.Entry<String, JsonNode> e : data.properties()) {
        if (!s.properties.containsKey(e.getKey())) {
          Result v = new Result();
          validate(s.additionalProperties, e.getValue(), name + "." + e.getKey(), v);
          r.merge(v);
        }
      }
    }
    for (Map.Entry<String, SchemaNode> e : s.properties.entrySet()) {
      JsonNode v = data.get(e.getKey());
      if (v != null) {
        Result p = new Result();
        validate(e.getValue(), v, name.isEmpty() ? e.getKey() : name + "." + e.getKey(), p);
        r.merge(p);
      }
    }
    for (String k : s.required) {
      if (!data.has(k)) {
        r.add(FieldError.required(field(name + "." + k), ""));
      }
    }
    return r;
  }

  /** {@code errors.InvalidType}: {@code <name> in body must be of type <type>: "<value>"}. */
  private FieldError typeError(String name, String type, String value) {
    return FieldError.typeInvalid(field(name), value, name + " in body must be of type " + type + ": "
        + GoStrings.quote(value));
  }

  /** A junctor error: not a kube-openapi {@code Validation}, so kube reports it at the base path with value "". */
  private FieldError composite(String message) {
    return FieldError.invalid(base.toString(), "", message);
  }

  /** The field of a kube-openapi error name: the base path with the name, without a leading dot, as a child. */
  private String field(String name) {
    if (name.isEmpty() || name.equals(".")) {
      return base.toString();
    }
    return base.child(name.startsWith(".") ? name.substring(1) : name).toString();
  }

  /** go-openapi's {@code swag.IsFloat64AJSONInteger}. */
  static boolean isJsonInteger(double f) {
    if (Double.isNaN(f) || Double.isInfinite(f) || f < -9007199254740991d || f > 9007199254740991d) {
      return false;
    }
    double g = (double) (long) f;
    if (f == g) {
      return true;
    }
    double diff = Math.abs(f - g);
    if (f == 0 || g == 0 || diff < Double.MIN_VALUE) {
      return diff < 1e-9 * Double.MIN_VALUE;
    }
    return diff / Math.min(Math.abs(f) + Math.abs(g), Double.MAX_VALUE) < 1e-9;
  }
}
