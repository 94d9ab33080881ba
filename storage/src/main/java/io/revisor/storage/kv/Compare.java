package io.revisor.storage.kv;

import java.util.Objects;

/**
 * One guard of a {@link TxnRequest}: compares a number of a key's current state with a constant. A missing key
 * has create revision, mod revision and version 0, so {@code modRevision(k) == 0} means "k does not exist".
 *
 * @param key the key compared
 * @param target which number of the key
 * @param op how it must compare with {@code value}
 * @param value the constant
 */
public record Compare(String key, Target target, Op op, long value) {
  public enum Target {
    CREATE_REVISION,
    MOD_REVISION,
    VERSION
  }

  public enum Op {
    EQUAL,
    NOT_EQUAL,
    LESS,
    GREATER;

    /** Whether {@code actual op expected} holds. */
    public boolean test(long actual, long expected) {
      return switch (this) {
        case EQUAL -> actual == expected;
        case NOT_EQUAL -> actual != expected;
        case LESS -> actual < expected;
        case GREATER -> actual > expected;
      };
    }
  }

  public Compare {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(op, "op");
  }

  /** The key's mod revision equals {@code revision} (0: the key does not exist). */
  public static Compare modRevisionIs(String key, long revision) {
    return new Compare(key, Target.MOD_REVISION, Op.EQUAL, revision);
  }

  /** The key does not exist. */
  public static Compare absent(String key) {
    return modRevisionIs(key, 0);
  }

  /** The key's create revision equals {@code revision}. */
  public static Compare createRevisionIs(String key, long revision) {
    return new Compare(key, Target.CREATE_REVISION, Op.EQUAL, revision);
  }

  /** The key's version equals {@code version}. */
  public static Compare versionIs(String key, long version) {
    return new Compare(key, Target.VERSION, Op.EQUAL, version);
  }
}
