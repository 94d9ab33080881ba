package io.revisor.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.openapi.Routes.Body;
import io.revisor.apiserver.openapi.Routes.Model;
import io.revisor.apiserver.openapi.Routes.Operation;
import io.revisor.apiserver.openapi.Routes.Parameter;
import io.revisor.apiserver.openapi.Routes.PathItem;
import io.revisor.apiserver.openapi.Routes.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders {@link Routes} and {@link KindSchemas} into an OpenAPI 3.0 or a Swagger 2.0 document. */
final class Documents {
  /** The title and version upstream gives the documents it builds from CustomResourceDefinitions. */
  private static final String TITLE = "Kubernetes CRD Swagger";
  private static final String INFO_VERSION = "v0.1.0";

  private final Dialect dialect;
  private final Map<String, JsonNode> paths = new TreeMap<>();
  private final Map<String, JsonNode> schemas = new TreeMap<>();

  private Documents(Dialect dialect) {
    this.dialect = dialect;
    MetaSchemas.definitions(dialect).properties().forEach(e -> schemas.put(e.getKey(), e.getValue()));
  }

  /** The OpenAPI v3 document of one group version: the given definitions, which all serve it. */
  static ObjectNode v3(String version, List<ResourceDefinition> definitions) {
    Documents documents = new Documents(Dialect.V3);
    definitions.forEach(d -> documents.add(d, d.servedVersion(version).orElseThrow()));
    return documents.render();
  }

  /** The Swagger 2.0 document of every served version of every definition. */
  static ObjectNode v2(List<ResourceDefinition> definitions) {
    Documents documents = new Documents(Dialect.V2);
    for (ResourceDefinition d : definitions) {
      d.versions().stream().filter(ServedVersion::served).forEach(v -> documents.add(d, v));
    }
    return documents.render();
  }

  private void add(ResourceDefinition definition, ServedVersion version) {
    schemas.put(SchemaNames.kind(definition.group(), version.name(), definition.names().kind()),
        KindSchemas.kind(definition, version, dialect));
    schemas.put(SchemaNames.kind(definition.group(), version.name(), definition.names().listKind()),
        KindSchemas.list(definition, version.name(), dialect));
    for (PathItem item : Routes.of(definition, version)) {
      paths.put(item.path(), pathItem(item, definition, version.name()));
    }
  }

  private ObjectNode render() {
    ObjectNode document = Json.object();
    if (dialect == Dialect.V3) {
      document.put("openapi", "3.0.0");
    } else {
      document.put("swagger", "2.0");
    }
    document.putObject("info").put("title", TITLE).put("version", INFO_VERSION);
    ObjectNode pathsNode = document.putObject("paths");
    paths.forEach(pathsNode::set);
    ObjectNode definitions = dialect == Dialect.V3
        ? document.putObject("components").putObject("schemas")
        : document.putObject("definitions");
    schemas.forEach(definitions::set);
    return document;
  }

  private ObjectNode pathItem(PathItem item, ResourceDefinition definition, String version) {
    ObjectNode node = Json.object();
    for (Operation operation : item.operations()) {
      node.set(operation.method().toLowerCase(Locale.ROOT), operation(operation, definition, version));
    }
    ArrayNode parameters = node.putArray("parameters");
    item.parameters().forEach(p -> parameters.add(parameter(p)));
    return node;
  }

  private ObjectNode operation(Operation operation, ResourceDefinition definition, String version) {
    ObjectNode node = Json.object();
    if (dialect == Dialect.V2) {
      ArrayNode consumes = node.putArray("consumes");
      (operation.method().equals("PATCH") ? Routes.PATCH_TYPES : Routes.MEDIA_TYPES).forEach(consumes::add);
      ArrayNode produces = node.putArray("produces");
      Routes.MEDIA_TYPES.forEach(produces::add);
      node.putArray("schemes").add("https");
    }
    node.putArray("tags").add(Routes.tag(definition.group(), version));
    node.put("description", operation.description());
    node.put("operationId", operation.operationId());
    ArrayNode parameters = Json.MAPPER.createArrayNode();
    Body body = operation.body();
    if (body != null && dialect == Dialect.V2) {
      ObjectNode bodyParameter = parameters.addObject().put("name", "body").put("in", "body");
      if (body.required()) {
        bodyParameter.put("required", true);
      }
      bodyParameter.set("schema", ref(body.model(), definition, version));
    }
    operation.parameters().forEach(p -> parameters.add(parameter(p)));
    if (!parameters.isEmpty()) {
      node.set("parameters", parameters);
    }
    if (body != null && dialect == Dialect.V3) {
      ObjectNode requestBody = node.putObject("requestBody");
      ObjectNode content = requestBody.putObject("content");
      body.mediaTypes().forEach(type -> content.putObject(type).set("schema", ref(body.model(), definition, version)));
      if (body.required()) {
        requestBody.put("required", true);
      }
    }
    ObjectNode responses = node.putObject("responses");
    for (Response response : operation.responses()) {
      ObjectNode r = responses.putObject(Integer.toString(response.code())).put("description", response.description());
      if (dialect == Dialect.V3) {
        ObjectNode content = r.putObject("content");
        Routes.MEDIA_TYPES.forEach(type -> content.putObject(type).set("schema", ref(response.model(), definition, version)));
      } else {
        r.set("schema", ref(response.model(), definition, version));
      }
    }
    responses.putObject("401").put("description", "Unauthorized");
    node.put("x-kubernetes-action", operation.action());
    node.putObject("x-kubernetes-group-version-kind")
        .put("group", definition.group())
        .put("kind", definition.names().kind())
        .put("version", version);
    return node;
  }

  private ObjectNode parameter(Parameter parameter) {
    ObjectNode node = Json.object();
    if (dialect == Dialect.V2) {
      node.put("uniqueItems", true).put("type", parameter.type());
    }
    node.put("name", parameter.name()).put("in", parameter.in()).put("description", parameter.description());
    if (parameter.required()) {
      node.put("required", true);
    }
    if (dialect == Dialect.V3) {
      node.putObject("schema").put("type", parameter.type()).put("uniqueItems", true);
    }
    return node;
  }

  private ObjectNode ref(Model model, ResourceDefinition definition, String version) {
    String name = switch (model) {
      case OBJECT -> SchemaNames.kind(definition.group(), version, definition.names().kind());
      case LIST -> SchemaNames.kind(definition.group(), version, definition.names().listKind());
      case STATUS -> SchemaNames.STATUS;
      case PATCH -> SchemaNames.PATCH;
      case DELETE_OPTIONS -> SchemaNames.DELETE_OPTIONS;
    };
    return Json.object().put("$ref", dialect.ref(name));
  }
}
