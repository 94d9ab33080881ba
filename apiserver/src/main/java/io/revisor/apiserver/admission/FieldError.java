package io.revisor.apiserver.admission;

import io.revisor.apiserver.json.GoStrings;
import java.util.List;
import java.util.Objects;

/**
 * One field-level validation failure, shaped like a Kubernetes {@code StatusCause}.
 *
 * <p>{@link #type} is the cause reason ({@link #INVALID}, {@link #REQUIRED}, ...), {@link #field} the path in
 * apimachinery's {@code field.Path} form ({@code spec.replicas}, {@code spec.items[2].name},
 * {@code metadata.labels}), and {@link #message} the full text kube puts in the cause, for example
 * {@code Invalid value: "string": spec.replicas in body must be of type integer: "string"} or
 * {@code Required value}. {@link #line()} is the {@code field: message} form that the {@code Status} message joins.
 *
 * <p>The static factories render the bad value the way apimachinery's {@code field.Error} does: strings quoted as Go's
 * {@code %q}, numbers and booleans plain, JSON values of other kinds as compact JSON with sorted keys. Instances are
 * immutable.
 *
 * @param type the StatusCause reason, never null
 * @param field the offending field path, never null; {@code <nil>} where kube has no path either
 * @param message the cause message, never null
 */
public record FieldError(String type, String field, String message) {
  /** {@code field.ErrorTypeInvalid}. */
  public static final String INVALID = "FieldValueInvalid";
  /** {@code field.ErrorTypeTypeInvalid}: the value has the wrong JSON type or string format. */
  public static final String TYPE_INVALID = "FieldValueTypeInvalid";
  /** {@code field.ErrorTypeRequired}. */
  public static final String REQUIRED = "FieldValueRequired";
  /** {@code field.ErrorTypeNotSupported}: a value outside an enumeration. */
  public static final String NOT_SUPPORTED = "FieldValueNotSupported";
  /** {@code field.ErrorTypeTooLong}. */
  public static final String TOO_LONG = "FieldValueTooLong";
  /** {@code field.ErrorTypeTooMany}. */
  public static final String TOO_MANY = "FieldValueTooMany";
  /** {@code field.ErrorTypeDuplicate}. */
  public static final String DUPLICATE = "FieldValueDuplicate";
  /** {@code field.ErrorTypeForbidden}. */
  public static final String FORBIDDEN = "FieldValueForbidden";

  public FieldError {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** The {@code field: message} line kube joins into the {@code Status} message. */
  public String line() {
    return field + ": " + message;
  }

  @Override
  public String toString() {
    return line();
  }

  /** {@code Invalid value: <value>: <detail>}. */
  public static FieldError invalid(String field, Object value, String detail) {
    return new FieldError(INVALID, field, withDetail("Invalid value: " + GoText.value(value), detail));
  }

  /** Like {@link #invalid} with the reason {@link #TYPE_INVALID}. */
  public static FieldError typeInvalid(String field, Object value, String detail) {
    return new FieldError(TYPE_INVALID, field, withDetail("Invalid value: " + GoText.value(value), detail));
  }

  /** {@code Required value[: <detail>]}. */
  public static FieldError required(String field, String detail) {
    return new FieldError(REQUIRED, field, withDetail("Required value", detail));
  }

  /** {@code Forbidden[: <detail>]}. */
  public static FieldError forbidden(String field, String detail) {
    return new FieldError(FORBIDDEN, field, withDetail("Forbidden", detail));
  }

  /** {@code Duplicate value: <value>}. */
  public static FieldError duplicate(String field, Object value) {
    return new FieldError(DUPLICATE, field, "Duplicate value: " + GoText.value(value));
  }

  /** {@code Unsupported value: <value>[: supported values: "a", "b"]}. */
  public static FieldError notSupported(String field, Object value, List<String> supported) {
    StringBuilder detail = new StringBuilder();
    if (!supported.isEmpty()) {
      detail.append("supported values: ");
      for (int i = 0; i < supported.size(); i++) {
        if (i > 0) {
          detail.append(", ");
        }
        detail.append(GoStrings.quote(supported.get(i)));
      }
    }
    return new FieldError(NOT_SUPPORTED, field, withDetail("Unsupported value: " + GoText.value(value),
        detail.toString()));
  }

  /** {@code Too long: may not be more than <max> bytes} (apimachinery 1.32 and later wording). */
  public static FieldError tooLong(String field, long max) {
    return new FieldError(TOO_LONG, field, "Too long: may not be more than " + max + (max == 1 ? " byte" : " bytes"));
  }

  /** {@code Too many: <actual>: must have at most <max> items}. */
  public static FieldError tooMany(String field, long actual, long max) {
    return new FieldError(TOO_MANY, field,
        "Too many: " + actual + ": must have at most " + max + (max == 1 ? " item" : " items"));
  }

  private static String withDetail(String body, String detail) {
    return detail == null || detail.isEmpty() ? body : body + ": " + detail;
  }
}
