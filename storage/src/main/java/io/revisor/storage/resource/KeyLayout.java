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
 * {prefix}/stats/{group}/{resource}/{namespace}/{shard}            a counter shard of the namespace's live objects:
 *                                                                  "count bytes"; every change updates one shard
 * {prefix}/stats/{group}/{resource}/{namespace}/base               figures of objects written before counters existed
 * {prefix}/stats/{group}/{resource}/{namespace}                    legacy marker: touched by every change of stores
 *                                                                  before counters; read, never written
 * {prefix}/chunks/{sha256}                                         content-addressed parts of large objects
 * {prefix}/meta/...                                                store-wide settings (token key, compaction, pruning,
 *                                                                  stats backfill mark)
 * </pre>
 *
 * Cluster-scoped objects use the namespace segment {@value #CLUSTER_SEGMENT}, which no namespace can take (namespace
 * names are DNS labels), so every object key has the same number of segments. The core group is {@code core}
 * (API groups of custom resources always contain a dot).
 */
final class KeyLayout {
  static final String CLUSTER_SEGMENT = "_cluster";
  static final String CORE_GROUP_SEGMENT = "core";
  static final String BASE_SEGMENT = "base";
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
    if (revision < 0) {
      return String.format(Locale.ROOT, "%0" + RV_DIGITS + "d", revision); // no store has one; kept as it was
    }
    String digits = Long.toString(revision);
    return "0".repeat(RV_DIGITS - digits.length()) + digits;
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

  /**
   * The legacy stats marker of a type in one scope ({@code namespace} null or empty for cluster-scoped types):
   * stores before counters touched it in every mutation, so its mod revision was the scope's latest change.
   */
  String statsMarker(ResourceType type, String namespace) {
    return statsPrefix(type) + scopeSegment(type, namespace);
  }

  /** All counter keys (shards and base) of a type in one scope: {@code .../{namespace}/}. */
  String counterPrefix(ResourceType type, String namespace) {
    return statsMarker(type, namespace) + "/";
  }

  String counterPrefix(ObjectKey key) {
    return counterPrefix(key.type(), key.namespace());
  }

  String counterShard(String counterPrefix, int shard) {
    return counterPrefix + shard;
  }

  String counterBase(ResourceType type, String namespace) {
    return counterPrefix(type, namespace) + BASE_SEGMENT;
  }

  private static String scopeSegment(ResourceType type, String namespace) {
    if (!type.namespaced()) {
      return CLUSTER_SEGMENT;
    }
    checkSegment("namespace", namespace);
    return namespace;
  }

  /** What a key under {@link #statsRoot()} is. */
  enum StatsKind {
    MARKER,
    SHARD,
    BASE
  }

  /**
   * A parsed key under {@link #statsRoot()}.
   *
   * @param namespace empty for cluster-scoped types
   * @param shard the shard number of a {@link StatsKind#SHARD}, else -1
   */
  record StatsKey(ResourceType type, String namespace, StatsKind kind, int shard) {}

  /** Parses a key under {@link #statsRoot()}; null if it is not a marker, shard or base key. */
  StatsKey parseStats(String key) {
    if (!key.startsWith(statsRoot())) {
      return null;
    }
    String[] parts = key.substring(statsRoot().length()).split("/", -1);
    if (parts.length != 3 && parts.length != 4) {
      return null;
    }
    StatsKind kind = StatsKind.MARKER;
    int shard = -1;
    if (parts.length == 4) {
      if (parts[3].equals(BASE_SEGMENT)) {
        kind = StatsKind.BASE;
      } else {
        shard = shardNumber(parts[3]);
        if (shard < 0) {
          return null;
        }
        kind = StatsKind.SHARD;
      }
    }
    boolean namespaced = !parts[2].equals(CLUSTER_SEGMENT);
    try {
      String group = parts[0].equals(CORE_GROUP_SEGMENT) ? "" : parts[0];
      ResourceType type = new ResourceType(group, parts[1], namespaced);
      if (namespaced) {
        checkSegment("namespace", parts[2]);
      }
      return new StatsKey(type, namespaced ? parts[2] : "", kind, shard);
    } catch (StorageException e) {
      return null;
    }
  }

  private static int shardNumber(String segment) {
    if (segment.isEmpty() || segment.length() > 4) {
      return -1;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(segment);
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
