package io.revisor.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a definition's {@code spec.versions}.
 *
 * @param name the version, e.g. {@code v1}
 * @param served whether the API serves it
 * @param storage whether objects are stored in this version (exactly one per definition)
 * @param deprecated whether responses carry a deprecation warning
 * @param deprecationWarning the warning text, or null for the default one
 * @param schema the {@code schema.openAPIV3Schema}, never null
 * @param printerColumns the Table columns after Name, in order (never empty: Age is added when none are declared)
 * @param statusSubresource whether {@code subresources.status} is declared
 * @param selectableFields the {@code selectableFields} paths, without the leading dot (e.g. {@code spec.color}): field
 *     selectors may use them besides {@code metadata.name} and {@code metadata.namespace}
 */
public record ServedVersion(
    String name,
    boolean served,
    boolean storage,
    boolean deprecated,
    String deprecationWarning,
    JsonNode schema,
    List<PrinterColumn> printerColumns,
    boolean statusSubresource,
    List<String> selectableFields) {
  public ServedVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    printerColumns = List.copyOf(printerColumns);
    selectableFields = List.copyOf(selectableFields);
  }
}
