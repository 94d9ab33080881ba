package io.revisor.storage.resource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the store recorded a current version, kept with the {@link StoredObject} read from it (by a get, a list or a
 * watch) so that a write starting from that object rebuilds the version's stored value exactly, without reading it
 * again: the header of its envelope (what made it, who, when), and where {@code metadata.resourceVersion} was spliced
 * into the stored body to make the object's JSON (the body is that JSON without the splice). The ending of an update
 * or delete writes this value, ended, to the history key: byte for byte what the value read from the backend gives.
 *
 * <p>Only for current values with an inline body; a chunked body is read from the store. About 40 bytes per object:
 * user names are shared between objects (up to {@link #SHARED_USERS} names).
 */
final class VersionRecord {
  static final int SHARED_USERS = 4096;
  private static final ConcurrentHashMap<String, String> USERS = new ConcurrentHashMap<>();
  private static final byte[] METADATA = "\"metadata\":{".getBytes(StandardCharsets.UTF_8);

  private final Action action;
  private final String user;
  private final long timeMillis;
  private final int spliceAt;
  private final int spliceLength;

  private VersionRecord(Action action, String user, long timeMillis, int spliceAt, int spliceLength) {
    this.action = action;
    this.user = user;
    this.timeMillis = timeMillis;
    this.spliceAt = spliceAt;
    this.spliceLength = spliceLength;
  }

  /**
   * The object of a value read from a current key at {@code rv}: its body with the resourceVersion spliced in, and,
   * when the body is inline, the record of the version.
   */
  static StoredObject current(ObjectKey key, Envelope envelope, byte[] body, long rv) {
    ObjectJson.Splice splice = ObjectJson.resourceVersionSplice(body, rv);
    byte[] json = splice.apply(body);
    boolean exact = envelope.body() instanceof Envelope.Inline && envelope.ending() == null
        && envelope.revision() == 0;
    return new StoredObject(key, json, rv, exact
        ? new VersionRecord(envelope.action(), shared(envelope.user()), envelope.timeMillis(), splice.at(),
            splice.insert().length)
        : null);
  }

  /**
   * The stored value of {@code object}'s version, rebuilt from its record: its envelope, whose body is inline; null
   * when the object has no record, or one that does not fit its JSON.
   */
  static Envelope envelope(StoredObject object) {
    VersionRecord record = object.record();
    if (record == null || !record.fits(object.json(), object.resourceVersion())) {
      return null;
    }
    byte[] body = ObjectJson.Splice.undo(object.json(), record.spliceAt, record.spliceLength);
    return new Envelope(record.action, record.user, record.timeMillis, 0, null, new Envelope.Inline(body));
  }

  /** Whether the splice this record names is in {@code json}: the resourceVersion field of {@code rv}. */
  private boolean fits(byte[] json, long rv) {
    if (spliceAt < 0 || spliceLength <= 0 || spliceAt + spliceLength > json.length) {
      return false;
    }
    byte[] field = ObjectJson.resourceVersionField(rv).getBytes(StandardCharsets.UTF_8);
    return startsWith(json, spliceAt, field) || startsWith(json, spliceAt, METADATA)
        && startsWith(json, spliceAt + METADATA.length, field);
  }

  private boolean startsWith(byte[] json, int at, byte[] prefix) {
    int end = at + prefix.length;
    return end <= spliceAt + spliceLength && Arrays.equals(json, at, end, prefix, 0, prefix.length);
  }

  private static String shared(String user) {
    String known = USERS.get(user);
    if (known != null) {
      return known;
    }
    if (USERS.size() >= SHARED_USERS) {
      return user;
    }
    known = USERS.putIfAbsent(user, user);
    return known != null ? known : user;
  }
}
