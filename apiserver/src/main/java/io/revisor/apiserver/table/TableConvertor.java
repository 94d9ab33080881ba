package io.revisor.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.revisor.apiserver.crd.PrinterColumn;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Server-side printing for one served version: turns objects into {@code meta.k8s.io/v1} {@code Table}s, the answer
 * to {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io} that {@code kubectl get} sends.
 *
 * <p>The columns are Name (the object's {@code metadata.name}) followed by the version's printer columns, with
 * Kubernetes' CRD rules for cells (apiextensions-apiserver {@code tableconvertor}):
 *
 * <ul>
 *   <li>a cell is the <em>first</em> value the column's path reaches; no value, or a failed evaluation, is null;
 *   <li>{@code string}: a string as is, anything else as Go prints it ({@code 3}, {@code true}, {@code [a b]},
 *       {@code map[k:v]}), an explicit JSON null as {@code <no value>};
 *   <li>{@code integer}: an integer, a fraction truncated; {@code number}: any number; {@code boolean}: a boolean;
 *       other JSON types are null;
 *   <li>{@code date}: a string is an RFC 3339 time rendered as the age relative to the clock ({@code 5m},
 *       {@code 2d3h}), {@code <unknown>} when empty, {@code <invalid>} when unparseable or in the future; other JSON
 *       types are null.
 * </ul>
 *
 * <p>Rows carry the object according to {@link IncludeObject}. Column descriptions default to Kubernetes' text,
 * {@code Custom resource definition column (in JSONPath format): <path>}.
 *
 * <p>Instances are immutable and thread-safe: build one per served version at start and share it. Each call reads the
 * clock once, so all ages of one table are relative to the same instant. Paths are compiled once, here; rendering a
 * row does no reflection, parsing of paths or regular expression work. Results share nodes with the input objects
 * (row {@code object}s and metadata are not copied): do not modify either afterwards.
 */
public final class TableConvertor {
  /** Kubernetes' description of {@code ObjectMeta.name}, used for the Name column. */
  static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Is required when creating resources, "
      + "although some resources may allow a client to request the generation of an appropriate name automatically. "
      + "Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. "
      + "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();
  private static final TextNode UNKNOWN = TextNode.valueOf("<unknown>");
  private static final TextNode INVALID = TextNode.valueOf("<invalid>");
  /** Doubles below this magnitude that are whole numbers are written as JSON integers, as Go writes them. */
  private static final double EXACT_INTEGER_LIMIT = 0x1p53;

  private enum CellType { STRING, INTEGER, NUMBER, BOOLEAN, DATE, OTHER }

  private record Column(PrinterColumn definition, JsonPath path, CellType type) {}

  private final List<Column> columns;
  private final ArrayNode columnDefinitions;
  private final Clock clock;

  private TableConvertor(List<Column> columns, Clock clock) {
    this.columns = columns;
    this.clock = clock;
    this.columnDefinitions = NODES.arrayNode();
    columnDefinitions.add(definition("Name", "string", "name", NAME_DESCRIPTION, 0));
    for (Column c : columns) {
      PrinterColumn d = c.definition();
      String description = d.description().isEmpty()
          ? "Custom resource definition column (in JSONPath format): " + d.jsonPath()
          : d.description();
      columnDefinitions.add(definition(d.name(), d.type(), d.format(), description, d.priority()));
    }
  }

  /**
   * A convertor for the given printer columns.
   *
   * @param printerColumns the columns after Name, in order (may be empty: then the table has Name only)
   * @param clock the clock ages are measured against
   * @throws JsonPathException if a column's path does not compile
   */
  public static TableConvertor create(List<PrinterColumn> printerColumns, Clock clock) {
    Objects.requireNonNull(printerColumns, "printerColumns");
    Objects.requireNonNull(clock, "clock");
    List<Column> compiled = new ArrayList<>(printerColumns.size());
    for (PrinterColumn c : printerColumns) {
      compiled.add(new Column(c, JsonPath.compile(c.jsonPath()), cellType(c.type())));
    }
    return new TableConvertor(List.copyOf(compiled), clock);
  }

  /** A convertor for a served version's printer columns; see {@link #create}. */
  public static TableConvertor forVersion(ServedVersion version, Clock clock) {
    return create(version.printerColumns(), clock);
  }

  /** The printer columns after Name, in order. */
  public List<PrinterColumn> printerColumns() {
    return columns.stream().map(Column::definition).toList();
  }

  /** A fresh copy of the {@code columnDefinitions} array (Name first). */
  public ArrayNode columnDefinitions() {
    return columnDefinitions.deepCopy();
  }

  /**
   * The Table for one object (a GET): one row, column definitions, and the object's resource version as the table's.
   *
   * @param object the object as served
   * @param include what the row carries
   */
  public ObjectNode tableForObject(JsonNode object, IncludeObject include) {
    return table(List.of(object), ListMeta.of(object), include, true);
  }

  /**
   * The Table for a list (a LIST): a row per item, in order, and the list's {@code resourceVersion},
   * {@code continue} and {@code remainingItemCount}.
   *
   * @param list the list as served ({@code items} may be absent or empty: the table then has no rows)
   * @param include what each row carries
   */
  public ObjectNode tableForList(JsonNode list, IncludeObject include) {
    return table(list.path("items"), ListMeta.of(list), include, true);
  }

  /**
   * The Table embedded in one watch event: one row, the object's resource version, and column definitions only when
   * asked. Kubernetes sends them with the first event of a watch and {@code "columnDefinitions": null} afterwards;
   * {@link #watch} keeps that state for you. Do not convert {@code ERROR} events: their {@code Status} is sent as is.
   *
   * @param object the event's object
   * @param include what the row carries
   * @param withColumnDefinitions true for the first event of a watch
   */
  public ObjectNode tableForEvent(JsonNode object, IncludeObject include, boolean withColumnDefinitions) {
    return table(List.of(object), ListMeta.of(object), include, withColumnDefinitions);
  }

  /**
   * A Table from any objects.
   *
   * @param objects the rows' objects, in order
   * @param meta the table's list metadata
   * @param include what each row carries
   * @param withColumnDefinitions whether to include column definitions; when false the field is JSON null
   */
  public ObjectNode table(
      Iterable<? extends JsonNode> objects, ListMeta meta, IncludeObject include, boolean withColumnDefinitions) {
    Objects.requireNonNull(objects, "objects");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(include, "include");
    Instant now = clock.instant();
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.set("metadata", meta.toJson());
    if (withColumnDefinitions) {
      table.set("columnDefinitions", columnDefinitions.deepCopy());
    } else {
      table.putNull("columnDefinitions");
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      rows.add(row(object, include, now));
    }
    return table;
  }

  /**
   * One row: {@code {"cells":[...],"object":...}}, ages relative to the clock's current instant.
   *
   * @param object the object as served
   * @param include what the row carries
   */
  public ObjectNode row(JsonNode object, IncludeObject include) {
    return row(Objects.requireNonNull(object, "object"), Objects.requireNonNull(include, "include"), clock.instant());
  }

  /**
   * A watch's conversion state: column definitions go with the first event only.
   *
   * @param include what each row carries
   * @return a new, not thread-safe, stream state for one watch
   */
  public TableWatch watch(IncludeObject include) {
    return new TableWatch(this, Objects.requireNonNull(include, "include"));
  }

  private ObjectNode row(JsonNode object, IncludeObject include, Instant now) {
    ObjectNode row = NODES.objectNode();
    ArrayNode cells = row.putArray("cells");
    JsonNode name = object.path("metadata").path("name");
    cells.add(name.isTextual() ? name : TextNode.valueOf(""));
    for (Column column : columns) {
      cells.add(cell(column, column.path().first(object), now));
    }
    switch (include) {
      case NONE -> row.putNull("object");
      case METADATA -> row.set("object", PartialObjectMetadata.of(object));
      case OBJECT -> row.set("object", object);
    }
    return row;
  }

  private static JsonNode cell(Column column, JsonNode value, Instant now) {
    if (value == null) {
      return NullNode.getInstance();
    }
    if (column.type() == CellType.STRING) {
      return value.isTextual() ? value : TextNode.valueOf(GoFormat.cellText(value));
    }
    if (value.isNull()) {
      return NullNode.getInstance();
    }
    return switch (column.type()) {
      case INTEGER -> {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          yield LongNode.valueOf(value.longValue());
        }
        yield value.isNumber() ? LongNode.valueOf((long) value.doubleValue()) : NullNode.getInstance();
      }
      case NUMBER -> value.isNumber() ? number(value.doubleValue()) : NullNode.getInstance();
      case BOOLEAN -> value.isBoolean() ? BooleanNode.valueOf(value.booleanValue()) : NullNode.getInstance();
      case DATE -> value.isTextual() ? age(value.textValue(), now) : NullNode.getInstance();
      default -> NullNode.getInstance();
    };
  }

  private static JsonNode age(String timestamp, Instant now) {
    if (timestamp.isEmpty() || timestamp.equals("null")) {
      return UNKNOWN; // metav1.Time reads both as the zero time
    }
    Instant then = Rfc3339.parse(timestamp);
    if (then == null) {
      return INVALID;
    }
    return TextNode.valueOf(HumanDuration.format(Duration.between(then, now)));
  }

  private static JsonNode number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < EXACT_INTEGER_LIMIT) {
      return LongNode.valueOf((long) d);
    }
    return DoubleNode.valueOf(d);
  }

  private static CellType cellType(String type) {
    return switch (type) {
      case "string" -> CellType.STRING;
      case "integer" -> CellType.INTEGER;
      case "number" -> CellType.NUMBER;
      case "boolean" -> CellType.BOOLEAN;
      case "date" -> CellType.DATE;
      default -> CellType.OTHER; // Kubernetes shows null for types it does not know
    };
  }

  private static ObjectNode definition(String name, String type, String format, String description, int priority) {
    ObjectNode d = NODES.objectNode();
    d.put("name", name);
    d.put("type", type);
    d.put("format", format);
    d.put("description", description);
    d.put("priority", priority);
    return d;
  }
}
