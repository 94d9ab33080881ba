package io.revisor.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds {@code meta.k8s.io} Tables for a request's kind from its printer columns. */
public interface TableRenderer {
  /**
   * A Table of {@code objects}.
   *
   * @param listMetadata the list's metadata (resourceVersion, continue, remainingItemCount), or null for one object
   * @param withColumnDefinitions whether to include the column definitions (watch events after the first omit them)
   */
  ObjectNode table(
      ResourceRequest request,
      MediaTypes.Representation as,
      List<ObjectNode> objects,
      ObjectNode listMetadata,
      boolean withColumnDefinitions);
}
