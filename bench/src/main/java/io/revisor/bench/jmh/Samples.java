package io.revisor.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import io.revisor.bench.client.Objects1k;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The objects the in-process benchmarks work on. */
public final class Samples {
  public static final String NAMESPACE = "bench";
  public static final String NAME = "o-000042";

  private Samples() {}

  /** A 1 KiB Dashboard as a client sends it. */
  public static byte[] sent() {
    return Objects1k.DASHBOARD.body(NAMESPACE, NAME, 7, null);
  }

  /**
   * The same Dashboard as the server serves it: with uid, creation time, generation, labels, managedFields and a
   * resourceVersion.
   */
  public static byte[] served() {
    try {
      ObjectNode object = (ObjectNode) Json.parse(sent());
      ObjectNode metadata = (ObjectNode) object.get("metadata");
      metadata.put("resourceVersion", "123456");
      metadata.put("uid", "7d3c1c6e-1f0b-4a4e-9d55-2f8f3b0c9a11");
      metadata.put("creationTimestamp", "2025-01-01T00:00:00Z");
      metadata.put("generation", 3);
      metadata.putObject("labels").put("app", "web").put("tier", "frontend");
      metadata.putArray("managedFields").addObject().put("manager", "revisor-bench").put("operation", "Update")
          .put("apiVersion", Objects1k.GROUP_VERSION).put("time", "2025-01-01T00:00:00Z").put("fieldsType", "FieldsV1")
          .putObject("fieldsV1").putObject("f:spec").put(".", "").put("f:title", "").put("f:description", "");
      object.putObject("status").put("phase", "Ready").put("panelCount", 4);
      return Json.bytes(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
