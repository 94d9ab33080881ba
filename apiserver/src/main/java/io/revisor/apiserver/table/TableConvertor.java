package io.revisor.apiserver.table;

import com.fasterxml.jackson.core.JsonGenerator;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>Two forms of the same Table: trees ({@link #table(Iterable, ListMeta, IncludeObject, boolean)} and the methods
 * around it), and bytes from {@link TableRow}s ({@link #prepare}, {@link #table(List, ListMeta, boolean, String)}),
 * which the server uses because a row, prepared once per object version, can be reused by every list and watch that
 * shows that version.
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

  /** A cell before the clock is read: its value, or for a date column's timestamp the instant whose age it shows. */
  private record Cell(JsonNode value, Instant since) {
    static final Cell NULL = new Cell(NullNode.getInstance(), null);

    JsonNode at(Instant now) {
      return since == null ? value : TextNode.valueOf(HumanDuration.format(Duration.between(since, now)));
    }
  }

  private static final byte[] TABLE_KIND = "{\"kind\":\"Table\",\"apiVersion\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

  private final List<Column> columns;
  private final ArrayNode columnDefinitions;
  private final byte[] columnDefinitionsJson;
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
    this.columnDefinitionsJson = Json.bytes(columnDefinitions);
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
    for (Cell cell : cells(object)) {
      cells.add(cell.at(now));
    }
    row.set("object", rowObject(object, include));
    return row;
  }

  /**
   * A row for a Table written later: everything but the ages of date cells is serialized now, and the ages are
   * measured when the row is written ({@link #table(List, ListMeta, boolean, String)}). The row depends only on the
   * object and {@code include}, so it can be kept for as long as the object's content is current.
   *
   * @param json the object as served, serialized: the row's {@code object} for {@link IncludeObject#OBJECT}, copied
   *     as is
   * @param object the same object, parsed: the cells and the metadata come from it
   * @param include what the row carries
   */
  public TableRow prepare(byte[] json, JsonNode object, IncludeObject include) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(include, "include");
    ByteArrayOutputStream out = new ByteArrayOutputStream(include == IncludeObject.OBJECT ? json.length + 256 : 512);
    List<Integer> positions = new ArrayList<>(1);
    List<Instant> ages = new ArrayList<>(1);
    try (JsonGenerator generator = Json.MAPPER.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeArrayFieldStart("cells");
      for (Cell cell : cells(object)) {
        if (cell.since() == null) {
          generator.writeTree(cell.value());
        } else {
          positions.add(rawValueAt(generator, out));
          ages.add(cell.since());
        }
      }
      generator.writeEndArray();
      generator.writeFieldName("object");
      if (include == IncludeObject.OBJECT) {
        rawValueAt(generator, out);
        out.writeBytes(json);
      } else {
        generator.writeTree(rowObject(object, include));
      }
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory
    }
    return new TableRow(out.toByteArray(), positions.stream().mapToInt(Integer::intValue).toArray(),
        ages.toArray(Instant[]::new));
  }

  /**
   * Lets {@code generator} write the separator of a value that the caller then writes into {@code out} itself, and
   * returns where that value starts. An empty raw value counts as a value for the separators that follow.
   */
  private static int rawValueAt(JsonGenerator generator, ByteArrayOutputStream out) throws IOException {
    generator.writeRawValue("");
    generator.flush();
    return out.size();
  }

  /**
   * A Table of prepared rows, serialized ({@code kind}, {@code apiVersion}, {@code metadata},
   * {@code columnDefinitions}, {@code rows}, as {@link #table(Iterable, ListMeta, IncludeObject, boolean)} orders
   * them). Reads the clock once: every age of the table is relative to the same instant.
   *
   * @param rows rows {@link #prepare}d by this convertor, in order
   * @param meta the table's list metadata
   * @param withColumnDefinitions whether to include column definitions; when false the field is JSON null
   * @param apiVersion the Table's apiVersion, {@code meta.k8s.io/v1} or {@code meta.k8s.io/v1beta1}
   */
  public byte[] table(List<TableRow> rows, ListMeta meta, boolean withColumnDefinitions, String apiVersion) {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(meta, "meta");
    Instant now = clock.instant();
    ByteArrayOutputStream out = new ByteArrayOutputStream(
        256 + columnDefinitionsJson.length + rows.stream().mapToInt(row -> row.length() + 16).sum());
    out.writeBytes(TABLE_KIND);
    out.writeBytes(Json.bytes(TextNode.valueOf(apiVersion)));
    out.writeBytes(",\"metadata\":".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(Json.bytes(meta.toJson()));
    out.writeBytes(",\"columnDefinitions\":".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(withColumnDefinitions ? columnDefinitionsJson : NULL);
    out.writeBytes(",\"rows\":[".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < rows.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      rows.get(i).writeTo(out, now);
    }
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** The cells of {@code object}'s row: Name, then a cell per printer column. */
  private List<Cell> cells(JsonNode object) {
    List<Cell> cells = new ArrayList<>(columns.size() + 1);
    JsonNode name = object.path("metadata").path("name");
    cells.add(new Cell(name.isTextual() ? name : TextNode.valueOf(""), null));
    for (Column column : columns) {
      cells.add(cell(column, column.path().first(object)));
    }
    return cells;
  }

  private static JsonNode rowObject(JsonNode object, IncludeObject include) {
    return switch (include) {
      case NONE -> NullNode.getInstance();
      case METADATA -> PartialObjectMetadata.of(object);
      case OBJECT -> object;
    };
  }

  private static Cell cell(Column column, JsonNode value) {
    if (value == null) {
      return Cell.NULL;
    }
    if (column.type() == CellType.STRING) {
      return new Cell(value.isTextual() ? value : TextNode.valueOf(GoFormat.cellText(value)), null);
    }
    if (value.isNull()) {
      return Cell.NULL;
    }
    return switch (column.type()) {
      case INTEGER -> {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          yield new Cell(LongNode.valueOf(value.longValue()), null);
        }
        yield value.isNumber() ? new Cell(LongNode.valueOf((long) value.doubleValue()), null) : Cell.NULL;
      }
      case NUMBER -> value.isNumber() ? new Cell(number(value.doubleValue()), null) : Cell.NULL;
      case BOOLEAN -> value.isBoolean() ? new Cell(BooleanNode.valueOf(value.booleanValue()), null) : Cell.NULL;
      case DATE -> value.isTextual() ? date(value.textValue()) : Cell.NULL;
      default -> Cell.NULL;
    };
  }

  private static Cell date(String timestamp) {
    if (timestamp.isEmpty() || timestamp.equals("null")) {
      return new Cell(UNKNOWN, null); // metav1.Time reads both as the zero time
    }
    Instant then = Rfc3339.parse(timestamp);
    return then == null ? new Cell(INVALID, null) : new Cell(null, then);
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
