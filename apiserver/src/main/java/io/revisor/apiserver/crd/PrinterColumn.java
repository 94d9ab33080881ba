package io.revisor.apiserver.crd;

import java.util.Objects;

/**
 * One {@code additionalPrinterColumns} entry of a served version.
 *
 * @param name the column header
 * @param type {@code integer}, {@code number}, {@code string}, {@code boolean} or {@code date}
 * @param format an OpenAPI format hint, or empty
 * @param description a human description, or empty
 * @param priority 0 for the default view, higher for {@code -o wide}
 * @param jsonPath a simple JSONPath evaluated against each object, e.g. {@code .spec.title}
 */
public record PrinterColumn(
    String name, String type, String format, String description, int priority, String jsonPath) {
  public PrinterColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    format = Objects.requireNonNullElse(format, "");
    description = Objects.requireNonNullElse(description, "");
    Objects.requireNonNull(jsonPath, "jsonPath");
  }

  /** The column every custom resource gets when its definition declares none: Age from the creation time. */
  public static PrinterColumn age() {
    return new PrinterColumn("Age", "date", "", "", 0, ".metadata.creationTimestamp");
  }
}
