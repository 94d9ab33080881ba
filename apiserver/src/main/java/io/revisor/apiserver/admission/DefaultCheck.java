package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * apiextensions' {@code defaulting.ValidateDefaults} for one schema node: the default must already be pruned (no
 * field the schema would drop) and must validate against the node's own schema. Stateless.
 */
final class DefaultCheck {
  private DefaultCheck() {}

  static List<FieldError> check(FieldPath nodePath, SchemaNode node) {
    List<FieldError> errs = new ArrayList<>();
    FieldPath p = nodePath.child("default");
    JsonNode value = node.defaultCopy();
    JsonNode pruned = value.deepCopy();
    Pruner.pruneQuietly(pruned, node, node.embeddedResource);
    if (!Json.deepEqual(pruned, value)) {
      errs.add(FieldError.invalid(p.toString(), value, "must not have unknown fields"));
    }
    errs.addAll(new SchemaValidator(p).validate(node, value));
    return errs;
  }
}
