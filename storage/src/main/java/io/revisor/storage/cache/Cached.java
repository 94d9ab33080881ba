package io.revisor.storage.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.revisor.storage.resource.StoredObject;
import io.revisor.storage.selection.ObjectAttributes;
import io.revisor.storage.selection.ObjectPredicate;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One cached version of an object: the store's bytes, held once and shared by the current state, the change window
 * and every watcher, plus what selectors read of it, decoded the first time a selector asks and kept (nothing of
 * one version changes): its labels, and for field selectors the values of the paths asked for so far. So a change
 * that a thousand watchers with field selectors look at is parsed once, not a thousand times.
 */
final class Cached {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<String, String> NO_LABELS = Map.of();

  final StoredObject object;
  /** Decoded on first use; a race decodes twice and keeps either, both equal. */
  private Map<String, String> labels;
  /** The attributes with the field paths decoded so far (a race may lose some paths: they are decoded again). */
  private volatile Decoded decoded;

  /** Attributes holding the values of {@code paths} (those the object has). */
  private record Decoded(Set<String> paths, ObjectAttributes attributes) {}

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
    Set<String> paths = predicate.fieldPaths();
    if (!paths.isEmpty()) {
      return predicate.matches(attributes(paths));
    }
    String namespace = object.key().namespace();
    String name = object.key().name();
    return predicate.matches(new ObjectAttributes(name, namespace, labels(),
        Map.of("metadata.name", name, "metadata.namespace", namespace)));
  }

  /** The attributes with (at least) the values of {@code paths}: decoded once, then kept. */
  ObjectAttributes attributes(Set<String> paths) {
    Decoded known = decoded;
    if (known != null && known.paths().containsAll(paths)) {
      return known.attributes();
    }
    Set<String> all = new HashSet<>(paths);
    if (known != null) {
      all.addAll(known.paths());
    }
    ObjectAttributes attributes = object.attributes(all);
    decoded = new Decoded(Set.copyOf(all), attributes);
    return attributes;
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
