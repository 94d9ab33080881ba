package io.revisor.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Validation of the objects marked {@code x-kubernetes-embedded-resource} below the root, as apiextensions'
 * {@code objectmeta.Validate}: {@code apiVersion} and {@code kind} are required non-empty strings, {@code kind} a
 * mixed-case DNS-1035 label, and {@code metadata}, when present, valid object metadata with path-segment names.
 * Stateless.
 */
final class EmbeddedResourceValidator {
  private EmbeddedResourceValidator() {}

  static void validate(FieldPath p, JsonNode x, SchemaNode s, boolean root, List<FieldError> out) {
    if (s == null || x == null) {
      return;
    }
    if (x.isObject()) {
      if (s.embeddedResource && !root) {
        resource(p, x, out);
      }
      for (String k : ObjectMetaFields.names(x)) {
        SchemaNode prop = s.properties.get(k);
        if (prop != null) {
          validate(p.child(k), x.get(k), prop, false, out);
        } else if (s.hasAdditionalProperties) {
          validate(p.key(k), x.get(k), s.additionalProperties, false, out);
        }
      }
    } else if (x.isArray()) {
      for (int i = 0; i < x.size(); i++) {
        validate(p.index(i), x.get(i), s.items, false, out);
      }
    }
  }

  private static void resource(FieldPath p, JsonNode x, List<FieldError> out) {
    if (!x.has("apiVersion")) {
      out.add(FieldError.required(p.child("apiVersion").toString(), ""));
    }
    if (!x.has("kind")) {
      out.add(FieldError.required(p.child("kind").toString(), ""));
    }
    for (String k : ObjectMetaFields.names(x)) {
      JsonNode v = x.get(k);
      switch (k) {
        case "apiVersion" -> {
          String field = p.child("apiVersion").toString();
          if (!v.isTextual()) {
            out.add(FieldError.invalid(field, v, "must be a string"));
          } else if (v.textValue().isEmpty()) {
            out.add(FieldError.invalid(field, "", "must not be empty"));
          } else if (v.textValue().chars().filter(c -> c == '/').count() > 1) {
            out.add(FieldError.invalid(field, v.textValue(), "unexpected GroupVersion string: " + v.textValue()));
          }
        }
        case "kind" -> {
          String field = p.child("kind").toString();
          if (!v.isTextual()) {
            out.add(FieldError.invalid(field, v, "must be a string"));
          } else if (v.textValue().isEmpty()) {
            out.add(FieldError.invalid(field, "", "must not be empty"));
          } else {
            List<String> errs = NameRules.dns1035Label(v.textValue().toLowerCase(Locale.ROOT));
            if (!errs.isEmpty()) {
              out.add(FieldError.invalid(field, v.textValue(),
                  "may have mixed case, but should otherwise match: " + String.join(",", errs)));
            }
          }
        }
        case "metadata" -> {
          List<FieldError> decodeErrors = new ArrayList<>();
          ObjectMetaValidation.Meta meta = ObjectMetaValidation.Meta.decode(v, p.child("metadata"), decodeErrors);
          if (meta == null) {
            out.addAll(decodeErrors);
          } else {
            if (meta.name.isEmpty()) {
              meta.name = "fakename"; // as kube: the name of an embedded object is optional
            }
            ObjectMetaValidation.validateObjectMeta(meta, !meta.namespace.isEmpty(), NameRules::pathSegmentName,
                p.child("metadata"), false, out);
          }
        }
        default -> { }
      }
    }
  }
}
