package io.revisor.apiserver.http;

import io.revisor.apiserver.table.ListMeta;
import io.revisor.storage.resource.StoredObject;
import java.util.List;

/** Builds {@code meta.k8s.io} Tables for a request's kind from its printer columns, serialized. */
public interface TableRenderer {
  /**
   * A Table of one object, its row computed afresh: for answers whose object need not be what storage holds at its
   * resourceVersion (a write may be a dry run; a watch's DELETED event may carry an object's earlier content under a
   * later resourceVersion). The Table carries the object's resourceVersion.
   *
   * @param json the object as stored
   * @param withColumnDefinitions whether to include the column definitions (watch events after the first omit them)
   */
  byte[] object(ResourceRequest request, MediaTypes.Representation as, byte[] json, boolean withColumnDefinitions);

  /**
   * A Table of objects as storage holds them at their resourceVersion (a list page, a watch's ADDED or MODIFIED
   * event): a row depends only on the object's key and resourceVersion, so it may be reused from an earlier request.
   *
   * @param meta the Table's list metadata
   * @param withColumnDefinitions whether to include the column definitions
   * @param reuseRows false for objects a view computes (a quota's usage changes without a new resourceVersion): rows
   *     are then computed afresh and not kept
   */
  byte[] stored(ResourceRequest request, MediaTypes.Representation as, List<StoredObject> objects, ListMeta meta,
      boolean withColumnDefinitions, boolean reuseRows);
}
