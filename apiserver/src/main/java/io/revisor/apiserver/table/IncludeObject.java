package io.revisor.apiserver.table;

/**
 * What each Table row carries in its {@code object} field: the {@code includeObject} query parameter of a Table
 * request ({@code meta.k8s.io/v1 TableOptions}).
 */
public enum IncludeObject {
  /** {@code None}: the row's {@code object} is JSON null. */
  NONE("None"),
  /** {@code Metadata}, the default: a {@code PartialObjectMetadata} carrying the object's metadata. */
  METADATA("Metadata"),
  /** {@code Object}: the whole object, as served in the requested version. */
  OBJECT("Object");

  private final String wireValue;

  IncludeObject(String wireValue) {
    this.wireValue = wireValue;
  }

  /** The query parameter value, e.g. {@code Metadata}. */
  public String wireValue() {
    return wireValue;
  }

  /**
   * Reads the {@code includeObject} query parameter.
   *
   * @param value the parameter, or null or empty when absent (which means {@link #METADATA})
   * @return the mode
   * @throws IllegalArgumentException for any other value (case matters), with the message Kubernetes puts in its
   *     400 BadRequest {@code Status}: {@code Unable to convert to Table as requested: includeObject: Invalid value:
   *     "x": must be 'Metadata', 'Object', 'None', or empty}
   */
  public static IncludeObject parse(String value) {
    if (value == null || value.isEmpty()) {
      return METADATA;
    }
    for (IncludeObject mode : values()) {
      if (mode.wireValue.equals(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("Unable to convert to Table as requested: includeObject: Invalid value: \""
        + value + "\": must be 'Metadata', 'Object', 'None', or empty");
  }
}
