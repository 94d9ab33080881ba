package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Admission of custom objects against one CustomResourceDefinition version's {@code openAPIV3Schema}, the way
 * kube-apiserver admits custom resources: {@link #prune}, then {@link #applyDefaults}, then {@link #validate}.
 *
 * <p>Compile once per CRD version with {@link #compile}; the result is immutable and thread-safe, and keeps every
 * regular expression and format check compiled, so that a call costs one walk of the object. Validation of
 * {@code metadata} is separate ({@link ObjectMetaValidation}); {@code x-kubernetes-validations} (CEL) rules are
 * accepted in schemas and not evaluated.
 */
public interface SchemaAdmission {
  /**
   * Checks a schema as kube-apiserver checks a CRD version's schema (structural, supported keywords, valid patterns,
   * pruned and valid defaults, list and map extensions) and compiles it.
   *
   * @param openApiV3Schema the value of {@code spec.versions[i].schema.openAPIV3Schema}; not retained
   * @return the compiled schema
   * @throws InvalidSchemaException naming each offending field from {@code openAPIV3Schema} on
   */
  static SchemaAdmission compile(JsonNode openApiV3Schema) {
    return new CompiledSchemaAdmission(SchemaCompiler.compile(openApiV3Schema));
  }

  /**
   * Removes, in place, every field the schema does not specify, as kube-apiserver's decoder does: recursively
   * through properties, map values ({@code additionalProperties}) and items; below
   * {@code x-kubernetes-preserve-unknown-fields} only inside what is still specified there. {@code apiVersion},
   * {@code kind} and {@code metadata} at the root and in embedded resources are not pruned by the schema; instead
   * {@code metadata} keeps only the fields of Kubernetes' ObjectMeta (empty optional ones are dropped silently).
   * Null values of fields that are neither nullable nor defaulted are dropped silently too.
   *
   * @param object the whole object, non-null; mutated
   * @return the paths of the unknown fields dropped ({@code spec.foo}, {@code spec.items[0].bar},
   *     {@code metadata.foo}): root metadata first, then the schema's in sorted order, as kube reports them; the HTTP
   *     layer turns each into {@code unknown field "<path>"} (a warning under {@code fieldValidation=Warn}, a
   *     {@code strict decoding error} under {@code Strict})
   */
  List<String> prune(ObjectNode object);

  /**
   * Applies the schema's defaults in place: to absent properties of every object that exists, to non-nullable
   * nulls, to array items and map values that are non-nullable nulls. Run it after {@link #prune}.
   *
   * @param object the whole object, non-null; mutated
   */
  void applyDefaults(ObjectNode object);

  /**
   * Validates an object (normally pruned and defaulted) against the schema with kube-openapi's semantics and
   * messages, then the metadata of embedded resources and the uniqueness of {@code x-kubernetes-list-type} set and
   * map lists. Root {@code metadata} is not checked here beyond what the schema itself says about it.
   *
   * @param object the whole object, non-null; not mutated
   * @return the errors in kube's order, empty when valid
   */
  List<FieldError> validate(JsonNode object);
}
