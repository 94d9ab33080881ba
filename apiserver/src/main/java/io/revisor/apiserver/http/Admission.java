package io.revisor.apiserver.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.revisor.apiserver.admission.FieldError;
import io.revisor.apiserver.admission.ObjectMetaValidation;
import io.revisor.apiserver.admission.SchemaAdmission;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.json.Json;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads request bodies and admits objects: decoding with {@code fieldValidation} (Ignore, Warn, Strict), then the
 * kind's schema (pruning, defaults, validation) and the metadata rules. Thread-safe.
 */
public final class Admission {
  /** How to treat unknown and duplicate fields ({@code fieldValidation}). */
  public enum FieldValidation {
    IGNORE,
    WARN,
    STRICT;

    static FieldValidation of(QueryParams query) {
      String value = query.string("fieldValidation");
      return switch (value) {
        case "" -> WARN;
        case "Ignore" -> IGNORE;
        case "Warn" -> WARN;
        case "Strict" -> STRICT;
        default -> throw ApiException.badRequest("fieldValidation parameter unsupported: " + QueryParams.quote(value)
            + ": supported values are \"Ignore\", \"Warn\" and \"Strict\"");
      };
    }
  }

  private final long maxBodyBytes;
  /** Compiled per served version, by identity (hashing a version would hash its whole schema on every request). */
  private final Cache<ServedVersion, SchemaAdmission> schemas = Caffeine.newBuilder().weakKeys().build();

  public Admission(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Decodes a create or update body (JSON or YAML) into an object; duplicate keys are warnings or, with Strict, a
   * 400.
   */
  public ObjectNode decodeObject(ResourceRequest request, Buffer body) {
    String type = MediaTypes.bodyType(request.routing().request().getHeader("Content-Type"));
    if (!type.isEmpty() && !type.equals(MediaTypes.JSON) && !type.equals(MediaTypes.YAML) && !type.equals("*/*")) {
      throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media "
          + "types include: application/json, application/yaml");
    }
    JsonNode node = type.equals(MediaTypes.YAML) ? parseYaml(body) : parseJson(request, body);
    if (!node.isObject()) {
      throw ApiException.badRequest("the body of the request must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Parses a JSON body, reporting duplicate keys per {@code fieldValidation}. */
  JsonNode parseJson(ResourceRequest request, Buffer body) {
    checkSize(body);
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    FieldValidation validation = FieldValidation.of(request.query());
    try {
      return Json.parseStrict(bytes);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Duplicate field")) {
        String detail = "json: duplicate field " + duplicateName(message);
        if (validation == FieldValidation.STRICT) {
          throw ApiException.badRequest("strict decoding error: " + detail);
        }
        if (validation == FieldValidation.WARN) {
          request.warn(detail);
        }
        try {
          return Json.parse(bytes);
        } catch (IOException again) {
          throw undecodable(again);
        }
      }
      throw undecodable(e);
    } catch (IOException e) {
      throw undecodable(e);
    }
  }

  JsonNode parseYaml(Buffer body) {
    checkSize(body);
    try {
      JsonNode node = Json.YAML.readTree(body == null ? new byte[0] : body.getBytes());
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest("the body of the request is empty");
      }
      return node;
    } catch (IOException e) {
      throw undecodable(e);
    }
  }

  /**
   * Admits an object about to be stored: prunes unknown fields (reported per {@code fieldValidation}), applies
   * defaults, validates against the schema and the metadata rules.
   *
   * @param old the stored object for updates, null for creates
   * @throws ApiException 400 for unknown fields under Strict, 422 Invalid with one cause per problem
   */
  public void admit(ResourceRequest request, ObjectNode object, ObjectNode old) {
    SchemaAdmission schema = schemas.get(request.version(), v -> SchemaAdmission.compile(v.schema()));
    List<String> unknown = schema.prune(object);
    if (!unknown.isEmpty()) {
      FieldValidation validation = FieldValidation.of(request.query());
      if (validation == FieldValidation.STRICT) {
        throw ApiException.badRequest("strict decoding error: " + String.join(", ",
            unknown.stream().map(path -> "unknown field \"" + path + "\"").toList()));
      }
      if (validation == FieldValidation.WARN) {
        unknown.forEach(path -> request.warn("unknown field \"" + path + "\""));
      }
    }
    schema.applyDefaults(object);
    List<FieldError> errors = new ArrayList<>(schema.validate(object));
    JsonNode metadata = object.path("metadata");
    errors.addAll(old == null
        ? ObjectMetaValidation.validateCreate(metadata, request.definition().namespaced())
        : ObjectMetaValidation.validateUpdate(metadata, old.path("metadata")));
    if (!errors.isEmpty()) {
      throw ApiException.invalid(request.definition().group(), request.definition().names().kind(),
          metadata.path("name").asText(""),
          errors.stream().map(e -> new ApiException.Cause(e.type(), e.message(), e.field())).toList());
    }
  }

  private void checkSize(Buffer body) {
    if (body != null && body.length() > maxBodyBytes) {
      throw ApiException.tooLarge("Request entity too large: limit is " + maxBodyBytes);
    }
  }

  private static String duplicateName(String jacksonMessage) {
    int first = jacksonMessage.indexOf('\'');
    int last = jacksonMessage.indexOf('\'', first + 1);
    return first >= 0 && last > first ? "\"" + jacksonMessage.substring(first + 1, last) + "\"" : "";
  }

  private static ApiException undecodable(IOException e) {
    String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    String firstLine = message == null ? "malformed input" : message.split("\n")[0];
    return ApiException.badRequest("the body of the request could not be decoded: " + firstLine);
  }
}
