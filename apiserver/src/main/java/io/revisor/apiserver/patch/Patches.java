package io.revisor.apiserver.patch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.flipkart.zjsonpatch.CompatibilityFlags;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;

/**
 * The three patch bodies of the Kubernetes API on Jackson trees, with kube-apiserver's rules and failures:
 * {@code application/json-patch+json} (RFC 6902), {@code application/merge-patch+json} (RFC 7386) and the body of
 * {@code application/apply-patch+yaml} (decoded here, applied by {@link FieldManager#apply}).
 *
 * <p>Methods never modify their arguments and return new trees. Failures are {@link PatchException}s; the HTTP
 * layer turns them into a {@code Status}. Everything here is stateless and thread-safe.
 */
public final class Patches {
  /** kube's limit on the operations of one JSON patch ({@code maxJSONPatchOperations}); more answer 413. */
  public static final int MAX_JSON_PATCH_OPERATIONS = 10_000;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * kube's JSON patch library (evanphx/json-patch v4) sets a missing value to null rather than failing, lets
   * {@code replace} create a missing object member, and fails to {@code remove} a missing one; the flags reproduce
   * all three.
   */
  private static final EnumSet<CompatibilityFlags> KUBE_COMPATIBLE = EnumSet.of(
      CompatibilityFlags.MISSING_VALUES_AS_NULLS, CompatibilityFlags.ALLOW_MISSING_TARGET_OBJECT_ON_REPLACE,
      CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

  private Patches() {}

  /**
   * Applies an RFC 6902 JSON patch to {@code target} as kube does: all operations or none.
   *
   * @param target the current object; not modified
   * @param patchJson the request body
   * @return a new tree, the patched object
   * @throws PatchException {@link PatchException.Kind#BAD_REQUEST} when the body is not a JSON array of operation
   *     objects ({@code error decoding patch: ...}); {@link PatchException.Kind#REQUEST_ENTITY_TOO_LARGE} with more
   *     than {@link #MAX_JSON_PATCH_OPERATIONS} operations; {@link PatchException.Kind#INVALID} when an operation
   *     fails (a {@code test} that does not hold, a path that does not exist, an unknown {@code op}), with kube's
   *     fixed message {@code the server rejected our request due to an error in our request} and the reason in
   *     {@link PatchException#detail()}
   */
  public static JsonNode applyJsonPatch(JsonNode target, byte[] patchJson) {
    JsonNode patch = parse(patchJson, "error decoding patch: ");
    if (patch.isNull()) {
      return target.deepCopy(); // kube decodes "null" as an empty patch
    }
    if (!patch.isArray()) {
      throw PatchException.badRequest("error decoding patch: json: cannot unmarshal " + GoText.jsonType(patch)
          + " into Go value of type []handlers.jsonPatchOp");
    }
    for (JsonNode op : patch) {
      checkOperationShape(op);
    }
    if (patch.size() > MAX_JSON_PATCH_OPERATIONS) {
      throw PatchException.tooLarge(String.format("The allowed maximum operations in a JSON patch is %d, got %d",
          MAX_JSON_PATCH_OPERATIONS, patch.size()));
    }
    JsonNode result = target.deepCopy();
    int index = 0;
    for (JsonNode op : patch) {
      applyOperation(result, op, index++);
    }
    return result;
  }

  /** kube decodes every operation into a struct of strings first; other shapes are a decoding error (400). */
  private static void checkOperationShape(JsonNode op) {
    if (op.isNull()) {
      return;
    }
    if (!op.isObject()) {
      throw PatchException.badRequest("error decoding patch: json: cannot unmarshal " + GoText.jsonType(op)
          + " into Go value of type handlers.jsonPatchOp");
    }
    for (String field : new String[] {"op", "path", "from"}) {
      JsonNode value = op.get(field);
      if (value != null && !value.isTextual() && !value.isNull()) {
        throw PatchException.badRequest("error decoding patch: json: cannot unmarshal " + GoText.jsonType(value)
            + " into Go struct field jsonPatchOp." + field + " of type string");
      }
    }
  }

  private static void applyOperation(JsonNode document, JsonNode op, int index) {
    String kind = op.path("op").asText("");
    String path = op.path("path").isTextual() ? op.get("path").textValue() : null;
    if (!op.isObject() || kind.isEmpty()) {
      throw PatchException.patchNotApplicable("operation " + index + ": Unexpected kind: unknown");
    }
    if ("".equals(path) || "".equals(op.path("from").textValue())) {
      // kube's library cannot address the whole document: every operation on "" fails.
      throw PatchException.patchNotApplicable("operation " + index + ": " + kind + " operation does not apply: "
          + "doc is missing path: \"\"");
    }
    if ("test".equals(kind) && path != null && testsMissingAsNull(document, op, path)) {
      return;
    }
    ArrayNode single = JsonNodeFactory.instance.arrayNode().add(op);
    try {
      JsonPatch.applyInPlace(single, document, KUBE_COMPATIBLE);
    } catch (JsonPatchApplicationException | IllegalArgumentException e) {
      throw PatchException.patchNotApplicable("operation " + index + " (" + kind + "): " + e.getMessage());
    }
  }

  /**
   * kube's library treats a missing member and a null member alike: {@code test} of {@code null} holds for both.
   */
  private static boolean testsMissingAsNull(JsonNode document, JsonNode op, String path) {
    JsonNode expected = op.get("value");
    if (expected != null && !expected.isNull()) {
      return false;
    }
    if (!path.startsWith("/")) {
      return false;
    }
    int slash = path.lastIndexOf('/');
    JsonNode parent = document.at(path.substring(0, slash));
    String key = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
    return parent.isObject() && (!parent.has(key) || parent.get(key).isNull());
  }

  /**
   * Applies an RFC 7386 JSON merge patch to {@code target} as kube does: members set to {@code null} are removed,
   * objects merge recursively, every other value replaces. A patch must be a JSON object, because a Kubernetes
   * object is one.
   *
   * <p>Like kube's library, {@code null}s inside a value that does not merge into an existing object are dropped too
   * (nested object members, array elements), except for an array or scalar that replaces an object.
   *
   * @param target the current object; not modified
   * @param patchJson the request body
   * @return a new tree, the patched object
   * @throws PatchException {@link PatchException.Kind#BAD_REQUEST}: {@code Invalid JSON Patch} for {@code null},
   *     {@code error decoding patch: ...} for anything else that is not a JSON object
   */
  public static JsonNode applyMergePatch(JsonNode target, byte[] patchJson) {
    JsonNode patch = parse(patchJson, "error decoding patch: ");
    if (patch.isNull()) {
      throw PatchException.badRequest("Invalid JSON Patch");
    }
    if (!patch.isObject()) {
      throw PatchException.badRequest("error decoding patch: json: cannot unmarshal " + GoText.jsonType(patch)
          + " into Go value of type map[string]interface {}");
    }
    if (!target.isObject()) {
      return pruneNulls(patch.deepCopy());
    }
    ObjectNode result = (ObjectNode) target.deepCopy();
    mergeInto(result, (ObjectNode) patch);
    return result;
  }

  private static void mergeInto(ObjectNode document, ObjectNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      JsonNode current = document.get(key);
      if (value.isNull()) {
        document.remove(key);
      } else if (current == null || current.isNull() || !current.isObject()) {
        document.set(key, pruneNulls(value.deepCopy()));
      } else if (value.isObject()) {
        mergeInto((ObjectNode) current, (ObjectNode) value);
      } else {
        document.set(key, value.deepCopy());
      }
    }
  }

  private static JsonNode pruneNulls(JsonNode node) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getValue().isNull()) {
          it.remove();
        } else {
          pruneNulls(entry.getValue());
        }
      }
    } else if (node.isArray()) {
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        JsonNode item = it.next();
        if (item.isNull()) {
          it.remove();
        } else {
          pruneNulls(item);
        }
      }
    }
    return node;
  }

  /**
   * Decodes the body of an {@code application/apply-patch+yaml} request: YAML, of which JSON is a subset. An empty
   * body or {@code null} is an empty configuration (which {@link FieldManager#apply} then rejects for its missing
   * {@code apiVersion} and {@code kind}).
   *
   * @throws PatchException {@link PatchException.Kind#BAD_REQUEST} ({@code error decoding YAML: ...}) when the body
   *     is not YAML or not a mapping
   */
  public static ObjectNode decodeApplyConfiguration(byte[] body) {
    JsonNode node;
    try {
      node = YAML.readTree(body);
    } catch (IOException e) {
      throw PatchException.badRequest("error decoding YAML: error converting YAML to JSON: " + describe(e));
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!node.isObject()) {
      throw PatchException.badRequest("error decoding YAML: error unmarshaling JSON: while decoding JSON: json: "
          + "cannot unmarshal " + GoText.jsonType(node) + " into Go value of type map[string]interface {}");
    }
    return (ObjectNode) node;
  }

  private static JsonNode parse(byte[] body, String prefix) {
    if (isBlank(body)) {
      throw PatchException.badRequest(prefix + "unexpected end of JSON input");
    }
    try (JsonParser parser = JSON.createParser(body)) {
      JsonNode node = JSON.readTree(parser);
      return node == null ? JsonNodeFactory.instance.nullNode() : node;
    } catch (IOException e) {
      throw PatchException.badRequest(prefix + describe(e));
    }
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String describe(IOException e) {
    String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
