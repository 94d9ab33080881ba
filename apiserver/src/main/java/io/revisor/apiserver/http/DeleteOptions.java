package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.storage.resource.Preconditions;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The options of a DELETE, from its body ({@code DeleteOptions}) and query.
 *
 * @param preconditions uid and resourceVersion the object must have
 * @param finalizerToAdd {@code foregroundDeletion} or {@code orphan} for those propagation policies, else null
 * @param dryRun whether to persist nothing
 */
record DeleteOptions(Preconditions preconditions, String finalizerToAdd, boolean dryRun) {
  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";

  static DeleteOptions parse(ResourceRequest request, Admission admission) {
    Buffer body = request.routing().body() == null ? null : request.routing().body().buffer();
    JsonNode options = body == null || body.length() == 0 ? null : admission.parseJson(request, body);
    if (options != null && !options.isObject()) {
      throw ApiException.badRequest("the body of a delete request must be a DeleteOptions object");
    }
    String policy = request.query().string("propagationPolicy");
    if (options != null && options.hasNonNull("propagationPolicy")) {
      policy = options.get("propagationPolicy").asText();
    }
    boolean orphanDependents = request.query().bool("orphanDependents", false)
        || options != null && options.path("orphanDependents").asBoolean(false);
    String finalizer = switch (policy) {
      case "", "Background" -> orphanDependents ? ORPHAN : null;
      case "Foreground" -> FOREGROUND;
      case "Orphan" -> ORPHAN;
      default -> throw ApiException.of(422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: "
          + "Unsupported value: " + QueryParams.quote(policy) + ": supported values: \"Foreground\", \"Background\", "
          + "\"Orphan\", \"nil\"", ApiException.Details.NONE,
          List.of(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: " + QueryParams.quote(policy),
              "propagationPolicy")));
    };
    if (!policy.isEmpty() && options != null && options.has("orphanDependents")) {
      throw ApiException.of(422, "Invalid", "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid "
          + "value: " + QueryParams.quote(policy) + ": orphanDependents and deletionPropagation cannot be both set",
          ApiException.Details.NONE, List.of());
    }
    String uid = null;
    long rv = 0;
    JsonNode pre = options == null ? null : options.get("preconditions");
    if (pre != null && pre.isObject()) {
      uid = pre.hasNonNull("uid") ? pre.get("uid").asText() : null;
      if (pre.hasNonNull("resourceVersion")) {
        Long parsed = ReadParams.resourceVersion(pre.get("resourceVersion").asText());
        rv = parsed == null ? 0 : parsed;
      }
    }
    boolean dryRun = DryRun.of(request);
    if (options != null && options.path("dryRun").isArray()) {
      for (JsonNode value : options.get("dryRun")) {
        if (!value.asText().equals("All")) {
          throw ApiException.badRequest("Invalid dryRun value " + QueryParams.quote(value.asText()) + ": supported values: \"All\"");
        }
        dryRun = true;
      }
    }
    return new DeleteOptions(new Preconditions(uid, rv), finalizer, dryRun);
  }
}
