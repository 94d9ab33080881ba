package io.revisor.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.revisor.apiserver.admission.ObjectMetaValidation;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.table.JsonPath;
import io.revisor.apiserver.table.JsonPathException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads {@code apiextensions.k8s.io/v1} CustomResourceDefinition manifests (YAML or JSON, several documents per
 * file) and checks everything the server relies on. Every rejection is a {@link DefinitionException} naming the file
 * and the field. Schemas themselves are checked where they are compiled (admission).
 */
public final class DefinitionLoader {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
  private static final List<String> COLUMN_TYPES = List.of("integer", "number", "string", "boolean", "date");
  private static final List<String> BUNDLED_DEMO =
      List.of("dashboards.yaml", "folders.yaml", "organizations.yaml");
  private static final List<String> SYSTEM_KINDS =
      List.of("revisions.yaml", "deletedobjects.yaml", "restores.yaml", "resourcestats.yaml", "storagequotas.yaml");
  /** The group of Revisor's own kinds; served definitions cannot use it. */
  public static final String SYSTEM_GROUP = "revisor.io";
  /** The annotation of a bundled system definition restricting its verbs (comma-separated). */
  static final String VERBS_ANNOTATION = "revisor.io/verbs";
  private static final Pattern SELECTABLE_FIELD = Pattern.compile("\\.[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  private static final int MAX_SELECTABLE_FIELDS = 8;

  private DefinitionLoader() {}

  /** The demo set bundled with the server ({@code demo.revisor.io}: Dashboard, Folder, Organization). */
  public static List<ResourceDefinition> bundledDemo() {
    return bundled("demo", BUNDLED_DEMO, false);
  }

  /**
   * Revisor's own kinds in {@value #SYSTEM_GROUP}: Revision, DeletedObject, Restore, ResourceStats and
   * StorageQuota. Always served, next to the served definitions.
   */
  public static List<ResourceDefinition> system() {
    return bundled("system", SYSTEM_KINDS, true);
  }

  private static List<ResourceDefinition> bundled(String directory, List<String> files, boolean system) {
    List<ResourceDefinition> all = new ArrayList<>();
    for (String file : files) {
      String resource = "/io/revisor/apiserver/" + directory + "/" + file;
      try (InputStream in = DefinitionLoader.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("bundled definition missing: " + resource);
        }
        all.addAll(parse("bundled:" + file, new String(in.readAllBytes(), StandardCharsets.UTF_8), system));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return checkUnique(all);
  }

  /**
   * Loads a file, or every {@code .yaml}, {@code .yml} and {@code .json} file of a directory (not recursive) in
   * name order.
   */
  public static List<ResourceDefinition> load(Path fileOrDirectory) {
    List<Path> files;
    if (Files.isDirectory(fileOrDirectory)) {
      try (Stream<Path> entries = Files.list(fileOrDirectory)) {
        files =
            entries
                .filter(p -> p.getFileName().toString().matches(".*\\.(yaml|yml|json)"))
                .filter(Files::isRegularFile)
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new DefinitionException(fileOrDirectory.toString(), "", "cannot list directory: " + e.getMessage());
      }
      if (files.isEmpty()) {
        throw new DefinitionException(fileOrDirectory.toString(), "", "no .yaml, .yml or .json files");
      }
    } else {
      files = List.of(fileOrDirectory);
    }
    List<ResourceDefinition> all = new ArrayList<>();
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new DefinitionException(file.toString(), "", "cannot read: " + e);
      }
      all.addAll(parse(file.toString(), text));
    }
    return checkUnique(all);
  }

  /** Parses every document of one manifest text; empty documents are skipped. */
  public static List<ResourceDefinition> parse(String source, String text) {
    return parse(source, text, false);
  }

  private static List<ResourceDefinition> parse(String source, String text, boolean system) {
    List<ResourceDefinition> definitions = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = Json.YAML.readerFor(JsonNode.class).readValues(text)) {
      int index = 0;
      while (documents.hasNextValue()) {
        JsonNode document = documents.nextValue();
        String where = index == 0 ? source : source + " (document " + (index + 1) + ")";
        index++;
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        definitions.add(definition(where, document, system));
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DefinitionException d) {
        throw d;
      }
      throw new DefinitionException(source, "", "not valid YAML: " + firstLine(e.getMessage()));
    }
    return definitions;
  }

  private static ResourceDefinition definition(String source, JsonNode doc, boolean system) {
    Fields f = new Fields(source);
    f.require(doc.isObject(), "", "must be a mapping");
    f.require("apiextensions.k8s.io/v1".equals(doc.path("apiVersion").asText()), "apiVersion",
        "Unsupported value: \"" + doc.path("apiVersion").asText() + "\": supported values: \"apiextensions.k8s.io/v1\"");
    f.require("CustomResourceDefinition".equals(doc.path("kind").asText()), "kind",
        "Unsupported value: \"" + doc.path("kind").asText() + "\": supported values: \"CustomResourceDefinition\"");
    JsonNode spec = doc.path("spec");
    f.require(spec.isObject(), "spec", "Required value");
    String group = f.string(spec, "spec.group");
    f.require(ObjectMetaValidation.isDns1123Subdomain(group) && group.contains("."),
        "spec.group", "Invalid value: \"" + group + "\": should be a domain with at least one dot");
    f.require(system == group.equals(SYSTEM_GROUP), "spec.group",
        "Invalid value: \"" + group + "\": the group " + SYSTEM_GROUP + " is reserved for Revisor's own kinds");
    JsonNode namesNode = spec.path("names");
    String plural = f.string(namesNode, "spec.names.plural");
    f.require(DNS_LABEL.matcher(plural).matches() && plural.length() <= 63, "spec.names.plural",
        "Invalid value: \"" + plural + "\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start with a letter and end with an alphanumeric character");
    String kind = f.string(namesNode, "spec.names.kind");
    f.require(KIND.matcher(kind).matches(), "spec.names.kind",
        "Invalid value: \"" + kind + "\": must be a valid kind: letters and digits, starting with a letter");
    String singular = f.optionalString(namesNode, "singular", "spec.names.singular");
    if (!singular.isEmpty()) {
      f.require(DNS_LABEL.matcher(singular).matches(), "spec.names.singular",
          "Invalid value: \"" + singular + "\": must be a lowercase RFC 1123 label");
    }
    String listKind = f.optionalString(namesNode, "listKind", "spec.names.listKind");
    List<String> shortNames = f.stringList(namesNode, "shortNames", "spec.names.shortNames");
    for (int i = 0; i < shortNames.size(); i++) {
      f.require(DNS_LABEL.matcher(shortNames.get(i)).matches(), "spec.names.shortNames[" + i + "]",
          "Invalid value: \"" + shortNames.get(i) + "\": must be a lowercase RFC 1123 label");
    }
    List<String> categories = f.stringList(namesNode, "categories", "spec.names.categories");
    String name = doc.path("metadata").path("name").asText();
    f.require(name.equals(plural + "." + group), "metadata.name",
        "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group");
    String scope = spec.path("scope").asText();
    f.require(scope.equals("Namespaced") || scope.equals("Cluster"), "spec.scope",
        "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\"");
    JsonNode versionsNode = spec.path("versions");
    f.require(versionsNode.isArray() && !versionsNode.isEmpty(), "spec.versions", "Required value: must have at least one version");
    List<ServedVersion> versions = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    int storageCount = 0;
    for (int i = 0; i < versionsNode.size(); i++) {
      ServedVersion version = version(f, versionsNode.get(i), "spec.versions[" + i + "]");
      Integer previous = seen.put(version.name(), i);
      f.require(previous == null, "spec.versions[" + i + "].name", "Duplicate value: \"" + version.name() + "\"");
      storageCount += version.storage() ? 1 : 0;
      versions.add(version);
    }
    f.require(storageCount == 1, "spec.versions", "Invalid value: must have exactly one version marked as storage version");
    f.require(versions.stream().anyMatch(ServedVersion::served), "spec.versions",
        "Invalid value: must have at least one served version");
    String conversion = spec.path("conversion").path("strategy").asText("None");
    f.require(conversion.equals("None"), "spec.conversion.strategy",
        "Unsupported value: \"" + conversion + "\": supported values: \"None\" (webhook conversion is not supported)");
    Map<String, String> annotations = annotations(f, doc.path("metadata").path("annotations"));
    List<String> verbs = ResourceDefinition.ALL_VERBS;
    if (annotations.containsKey(VERBS_ANNOTATION)) {
      f.require(system, "metadata.annotations[" + VERBS_ANNOTATION + "]",
          "Forbidden: only Revisor's own kinds may restrict their verbs");
      verbs = List.of(annotations.get(VERBS_ANNOTATION).split(","));
      f.require(ResourceDefinition.ALL_VERBS.containsAll(verbs), "metadata.annotations[" + VERBS_ANNOTATION + "]",
          "Unsupported value: \"" + annotations.get(VERBS_ANNOTATION) + "\"");
    }
    return new ResourceDefinition(
        group,
        new ResourceNames(plural, singular, kind, listKind, shortNames, categories),
        scope.equals("Namespaced"),
        versions,
        source,
        annotations,
        verbs);
  }

  private static Map<String, String> annotations(Fields f, JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    f.require(node.isObject(), "metadata.annotations", "must be a map of strings");
    Map<String, String> annotations = new HashMap<>();
    node.properties().forEach(entry -> {
      f.require(entry.getValue().isTextual(), "metadata.annotations[" + entry.getKey() + "]", "must be a string");
      annotations.put(entry.getKey(), entry.getValue().asText());
    });
    return annotations;
  }

  /**
   * {@code selectableFields}: at most {@value #MAX_SELECTABLE_FIELDS} distinct simple paths starting with a dot,
   * neither {@code .metadata.name} nor {@code .metadata.namespace} (always selectable). Returned without the dot.
   */
  private static List<String> selectableFields(Fields f, JsonNode node, String path) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    f.require(node.isArray(), path, "must be a list");
    f.require(node.size() <= MAX_SELECTABLE_FIELDS, path,
        "Too many: " + node.size() + ": must have at most " + MAX_SELECTABLE_FIELDS + " items");
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = path + "[" + i + "].jsonPath";
      String jsonPath = f.string(node.get(i), at);
      f.require(SELECTABLE_FIELD.matcher(jsonPath).matches(), at,
          "Invalid value: \"" + jsonPath + "\": must be a simple path of field names starting with '.'");
      String field = jsonPath.substring(1);
      f.require(!field.equals("metadata.name") && !field.equals("metadata.namespace"), at,
          "Invalid value: \"" + jsonPath + "\": metadata.name and metadata.namespace are always selectable");
      f.require(!fields.contains(field), at, "Duplicate value: \"" + jsonPath + "\"");
      fields.add(field);
    }
    return fields;
  }

  private static ServedVersion version(Fields f, JsonNode node, String path) {
    String name = f.string(node, path + ".name");
    f.require(DNS_LABEL.matcher(name).matches(), path + ".name",
        "Invalid value: \"" + name + "\": a version must be a lowercase RFC 1123 label");
    boolean served = f.bool(node, "served", path + ".served");
    boolean storage = f.bool(node, "storage", path + ".storage");
    JsonNode schema = node.path("schema").path("openAPIV3Schema");
    f.require(schema.isObject(), path + ".schema.openAPIV3Schema", "Required value: schemas are required");
    f.require("object".equals(schema.path("type").asText()), path + ".schema.openAPIV3Schema.type",
        "Unsupported value: \"" + schema.path("type").asText() + "\": supported values: \"object\"");
    List<PrinterColumn> columns = new ArrayList<>();
    JsonNode columnsNode = node.path("additionalPrinterColumns");
    f.require(columnsNode.isMissingNode() || columnsNode.isArray(), path + ".additionalPrinterColumns", "must be a list");
    for (int i = 0; i < columnsNode.size(); i++) {
      JsonNode c = columnsNode.get(i);
      String cp = path + ".additionalPrinterColumns[" + i + "]";
      String type = f.string(c, cp + ".type");
      f.require(COLUMN_TYPES.contains(type), cp + ".type",
          "Unsupported value: \"" + type + "\": supported values: \"boolean\", \"date\", \"integer\", \"number\", \"string\"");
      String jsonPath = f.string(c, cp + ".jsonPath");
      f.require(jsonPath.startsWith("."), cp + ".jsonPath", "Invalid value: \"" + jsonPath + "\": must be a simple json path starting with .");
      try {
        JsonPath.compile(jsonPath);
      } catch (JsonPathException e) {
        throw new DefinitionException(f.source(), cp + ".jsonPath", "Invalid value: \"" + jsonPath + "\": " + e.detail());
      }
      int priority = c.path("priority").asInt(0);
      f.require(priority >= 0, cp + ".priority", "Invalid value: " + priority + ": must be non-negative");
      columns.add(new PrinterColumn(f.string(c, cp + ".name"), type, c.path("format").asText(""),
          c.path("description").asText(""), priority, jsonPath));
    }
    if (columns.isEmpty()) {
      columns.add(PrinterColumn.age());
    }
    JsonNode subresources = node.path("subresources");
    f.require(subresources.path("scale").isMissingNode(), path + ".subresources.scale",
        "Forbidden: the scale subresource is not supported");
    return new ServedVersion(
        name,
        served,
        storage,
        node.path("deprecated").asBoolean(false),
        node.hasNonNull("deprecationWarning") ? node.get("deprecationWarning").asText() : null,
        schema,
        columns,
        subresources.has("status"),
        selectableFields(f, node.path("selectableFields"), path + ".selectableFields"));
  }

  private static List<ResourceDefinition> checkUnique(List<ResourceDefinition> all) {
    Map<String, ResourceDefinition> byName = new HashMap<>();
    Map<String, ResourceDefinition> byKind = new HashMap<>();
    for (ResourceDefinition d : all) {
      ResourceDefinition other = byName.putIfAbsent(d.name(), d);
      if (other != null) {
        throw new DefinitionException(d.source(), "metadata.name",
            "Duplicate value: \"" + d.name() + "\" is also defined in " + other.source());
      }
      String kindKey = d.group() + "/" + d.names().kind().toLowerCase(Locale.ROOT);
      other = byKind.putIfAbsent(kindKey, d);
      if (other != null) {
        throw new DefinitionException(d.source(), "spec.names.kind",
            "Duplicate value: \"" + d.names().kind() + "\" is also the kind of " + other.name());
      }
    }
    return List.copyOf(all);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Field accessors that turn a missing or mistyped field into a {@link DefinitionException}. */
  private record Fields(String source) {
    void require(boolean condition, String field, String problem) {
      if (!condition) {
        throw new DefinitionException(source, field, problem);
      }
    }

    String string(JsonNode parent, String path) {
      JsonNode node = parent.path(path.substring(path.lastIndexOf('.') + 1));
      require(node.isTextual() && !node.asText().isEmpty(), path, "Required value");
      return node.asText();
    }

    String optionalString(JsonNode parent, String field, String path) {
      JsonNode node = parent.path(field);
      require(node.isMissingNode() || node.isNull() || node.isTextual(), path, "must be a string");
      return node.asText("");
    }

    boolean bool(JsonNode parent, String field, String path) {
      JsonNode node = parent.path(field);
      require(node.isBoolean(), path, "Required value: must be true or false");
      return node.asBoolean();
    }

    List<String> stringList(JsonNode parent, String field, String path) {
      JsonNode node = parent.path(field);
      if (node.isMissingNode() || node.isNull()) {
        return List.of();
      }
      require(node.isArray(), path, "must be a list of strings");
      List<String> values = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        require(node.get(i).isTextual(), path + "[" + i + "]", "must be a string");
        values.add(node.get(i).asText());
      }
      return values;
    }
  }
}
