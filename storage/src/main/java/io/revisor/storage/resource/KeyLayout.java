package io.revisor.storage.resource;

import java.util.Locale;

/**
 * Where everything lives in the key space (see {@code storage/README.md}). All keys are under one prefix
 * (default {@code /revisor}):
 *
 * <pre>
 * {prefix}/registry/{group}/{resource}/{namespace}/{name}          current version; its mod revision is the RV
 * {prefix}/history/{group}/{resource}/{namespace}/{name}/{rv:20}   version current from rv until this key's mod revision
 * {prefix}/trash/{group}/{resource}/{namespace}/{name}             last state of a deleted object, with who and when
 * {prefix}/stats/{group}/{resource}/{namespace}                    touched by every change: its mod revision is the
 *                                                                  namespace's latest change
 * {prefix}/chunks/{sha256}                                         content-addressed parts of large objects
 * {prefix}/meta/...                                                store-wide settings (token key, compaction, pruning)
 * </pre>
 *
 * Cluster-scoped objects use the namespace segment {@value #CLUSTER_SEGMENT}, which no namespace can take (namespace
 * names are DNS labels), so every object key has the same number of segments. The core group is {@code core}
 * (API groups of custom resources always contain a dot).
 */
final class KeyLayout {
  static final String CLUSTER_SEGMENT = "_cluster";
  static final String CORE_GROUP_SEGMENT = "core";
  private static final int RV_DIGITS = 20;

  private final String prefix;

  KeyLayout(String prefix) {
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
      throw new IllegalArgumentException("key prefix must start with / and not end with /: " + prefix);
    }
    this.prefix = prefix;
  }

  String prefix() {
    return prefix;
  }

  /**
   * Rejects key segments that would break the layout: empty, {@code .} and {@code ..} (path traversal), or holding
   * {@code /}, NUL or other control characters.
   */
  static void checkSegment(String what, String segment) {
    if (segment == null || segment.isEmpty()) {
      throw StorageException.invalid(what + " must not be empty");
    }
    if (segment.equals(".") || segment.equals("..")) {
      throw StorageException.invalid(what + " must not be \"" + segment + "\"");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '/' || c < 0x20 || c == 0x7f) {
        throw StorageException.invalid(
            what + " \"" + segment.replaceAll("\\p{Cntrl}", "?") + "\" must not contain '/' or control characters");
      }
    }
  }

  static String namespaceSegment(ObjectKey key) {
    return key.type().namespaced() ? key.namespace() : CLUSTER_SEGMENT;
  }

  private static String typePath(ResourceType type) {
    return (type.group().isEmpty() ? CORE_GROUP_SEGMENT : type.group()) + "/" + type.resource() + "/";
  }

  /** The part of a namespace-bounded prefix after the type: {@code ns/}, {@code _cluster/} or empty for all. */
  private static String scopePath(ResourceType type, String namespace) {
    if (!type.namespaced()) {
      return CLUSTER_SEGMENT + "/";
    }
    if (namespace == null || namespace.isEmpty()) {
      return "";
    }
    checkSegment("namespace", namespace);
    return namespace + "/";
  }

  // ---- current objects

  String typePrefix(ResourceType type) {
    return prefix + "/registry/" + typePath(type);
  }

  String currentPrefix(ResourceType type, String namespace) {
    return typePrefix(type) + scopePath(type, namespace);
  }

  String current(ObjectKey key) {
    return typePrefix(key.type()) + namespaceSegment(key) + "/" + key.name();
  }

  /** Parses a current key under {@link #typePrefix} back into an object key; null if it is not one. */
  ObjectKey parseCurrent(ResourceType type, String key) {
    String typePrefix = typePrefix(type);
    if (!key.startsWith(typePrefix)) {
      return null;
    }
    String rest = key.substring(typePrefix.length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
      return null;
    }
    String ns = rest.substring(0, slash);
    String name = rest.substring(slash + 1);
    if (type.namespaced() == ns.equals(CLUSTER_SEGMENT)) {
      return null;
    }
    try {
      return type.key(type.namespaced() ? ns : "", name);
    } catch (StorageException e) {
      return null;
    }
  }

  // ---- history

  String historyTypePrefix(ResourceType type) {
    return prefix + "/history/" + typePath(type);
  }

  String historyPrefix(ResourceType type, String namespace) {
    return historyTypePrefix(type) + scopePath(type, namespace);
  }

  /** All history keys of one object: {@code .../{namespace}/{name}/}. */
  String historyPrefix(ObjectKey key) {
    return historyTypePrefix(key.type()) + namespaceSegment(key) + "/" + key.name() + "/";
  }

  String history(ObjectKey key, long revision) {
    return historyPrefix(key) + revisionSegment(revision);
  }

  /** The object path ({@code ns/name}) and version revision of a history key, or null if malformed. */
  HistoryKey parseHistory(ResourceType type, String key) {
    String typePrefix = historyTypePrefix(type);
    if (!key.startsWith(typePrefix)) {
      return null;
    }
    int lastSlash = key.lastIndexOf('/');
    if (lastSlash <= typePrefix.length() || key.length() - lastSlash - 1 != RV_DIGITS) {
      return null;
    }
    ObjectKey objectKey = parseCurrent(type, typePrefix(type) + key.substring(typePrefix.length(), lastSlash));
    if (objectKey == null) {
      return null;
    }
    try {
      return new HistoryKey(objectKey, Long.parseLong(key.substring(lastSlash + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  record HistoryKey(ObjectKey object, long revision) {}

  static String revisionSegment(long revision) {
    return String.format(Locale.ROOT, "%0" + RV_DIGITS + "d", revision);
  }

  // ---- trash, stats, chunks, meta

  String trashTypePrefix(ResourceType type) {
    return prefix + "/trash/" + typePath(type);
  }

  String trashPrefix(ResourceType type, String namespace) {
    return trashTypePrefix(type) + scopePath(type, namespace);
  }

  String trash(ObjectKey key) {
    return prefix + "/trash/" + typePath(key.type()) + namespaceSegment(key) + "/" + key.name();
  }

  ObjectKey parseTrash(ResourceType type, String key) {
    String trashTypePrefix = prefix + "/trash/" + typePath(type);
    return key.startsWith(trashTypePrefix)
        ? parseCurrent(type, typePrefix(type) + key.substring(trashTypePrefix.length()))
        : null;
  }

  String statsRoot() {
    return prefix + "/stats/";
  }

  String statsPrefix(ResourceType type) {
    return statsRoot() + typePath(type);
  }

  String stats(ObjectKey key) {
    return statsPrefix(key.type()) + namespaceSegment(key);
  }

  String chunk(String sha256Hex) {
    return prefix + "/chunks/" + sha256Hex;
  }

  String chunkPrefix() {
    return prefix + "/chunks/";
  }

  String meta(String name) {
    return prefix + "/meta/" + name;
  }
}
