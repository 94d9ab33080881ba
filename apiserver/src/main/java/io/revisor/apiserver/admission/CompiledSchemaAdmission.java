package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/** {@link SchemaAdmission} over a compiled {@link SchemaNode} tree. Immutable and thread-safe. */
final class CompiledSchemaAdmission implements SchemaAdmission {
  private final SchemaNode root;

  CompiledSchemaAdmission(SchemaNode root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  @Override
  public List<String> prune(ObjectNode object) {
    return Pruner.prune(Objects.requireNonNull(object, "object"), root);
  }

  @Override
  public void applyDefaults(ObjectNode object) {
    Defaulter.apply(Objects.requireNonNull(object, "object"), root);
  }

  @Override
  public List<FieldError> validate(JsonNode object) {
    Objects.requireNonNull(object, "object");
    // kube's order: the schema (kube-openapi), embedded resources' metadata, then list-type invariants
    LinkedHashSet<FieldError> errs = new LinkedHashSet<>(new SchemaValidator(FieldPath.NIL).validate(root, object));
    List<FieldError> more = new ArrayList<>();
    EmbeddedResourceValidator.validate(FieldPath.NIL, object, root, true, more);
    ListTypeValidator.validate(FieldPath.NIL, root, object, more);
    errs.addAll(more);
    return List.copyOf(errs);
  }
}
