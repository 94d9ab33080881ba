package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Table conversion of one watch ({@code kubectl get -w}): the first converted event carries the column
 * definitions, later ones {@code "columnDefinitions": null}, as Kubernetes' watch encoder does.
 *
 * <p>Not thread-safe: one instance per watch, used by the code that writes that watch's events in order. Pass every
 * event object except those of {@code ERROR} events (a {@code Status} is sent unconverted). Kubernetes converts
 * {@code BOOKMARK} objects too; whether to do so is the caller's choice.
 */
public final class TableWatch {
  private final TableConvertor convertor;
  private final IncludeObject include;
  private boolean headersSent;

  TableWatch(TableConvertor convertor, IncludeObject include) {
    this.convertor = convertor;
    this.include = include;
  }

  /**
   * The Table to embed in the next event.
   *
   * @param object the event's object
   */
  public ObjectNode next(JsonNode object) {
    ObjectNode table = convertor.tableForEvent(object, include, !headersSent);
    headersSent = true;
    return table;
  }
}
