package io.revisor.storage.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.ObjectPredicate;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One cached version of an object: the store's bytes, held once and shared by the current state, the change window
 * and every watcher, plus its labels, decoded the first time a label selector asks and kept (an object's labels never
 * change within one version). Selectors on other fields parse the bytes when they are evaluated.
 */
final class Cached {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<String, String> NO_LABELS = Map.of();

  final StoredObject object;
  /** Decoded on first use; a race decodes twice and keeps either, both equal. */
  private Map<String, String> labels;

  Cached(StoredObject object) {
    this.object = object;
  }

  long size() {
    return object.json().length;
  }

  boolean matches(ObjectPredicate predicate) {
    if (predicate.isEverything()) {
      return true;
    }
    if (!predicate.fieldPaths().isEmpty()) {
      return object.matches(predicate);
    }
    String namespace = object.key().namespace();
    String name = object.key().name();
    return predicate.matches(new ObjectAttributes(name, namespace, labels(),
        Map.of("metadata.name", name, "metadata.namespace", namespace)));
  }

  private Map<String, String> labels() {
    Map<String, String> decoded = labels;
    if (decoded == null) {
      decoded = decodeLabels(object.json());
      labels = decoded;
    }
    return decoded;
  }

  /** {@code metadata.labels}, read by streaming past everything else. */
  static Map<String, String> decodeLabels(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return NO_LABELS;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("metadata") && p.currentToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            p.nextToken();
            if (inner.equals("labels") && p.currentToken() == JsonToken.START_OBJECT) {
              Map<String, String> labels = new HashMap<>();
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                labels.put(key, p.getValueAsString(p.getText()));
              }
              return labels.isEmpty() ? NO_LABELS : Map.copyOf(labels);
            }
            p.skipChildren();
          }
          return NO_LABELS;
        }
        p.skipChildren();
      }
      return NO_LABELS;
    } catch (IOException e) {
      return NO_LABELS;
    }
  }
}
