package io.revisor.apiserver.system;

/**
 * The names of computed objects, unambiguous for every legal object name: {@code <name>.<resourceVersion>@<plural>.
 * <group>} for a Revision and {@code <name>@<plural>.<group>} for a DeletedObject. Object names, plurals and groups
 * never contain {@code @}, and a resourceVersion never contains a dot, so both split at the one {@code @} and, for a
 * Revision, at the last dot before it.
 */
final class Names {
  private Names() {}

  /** A Revision's parts. */
  record RevisionName(String name, long resourceVersion, String resource) {}

  /** A DeletedObject's parts. */
  record DeletedName(String name, String resource) {}

  static String revision(String name, long resourceVersion, String resource) {
    return name + "." + resourceVersion + "@" + resource;
  }

  static String deleted(String name, String resource) {
    return name + "@" + resource;
  }

  /** The parts of a Revision name, or null when {@code text} is not one. */
  static RevisionName parseRevision(String text) {
    DeletedName split = parseDeleted(text);
    if (split == null) {
      return null;
    }
    int dot = split.name().lastIndexOf('.');
    if (dot <= 0 || dot == split.name().length() - 1) {
      return null;
    }
    String digits = split.name().substring(dot + 1);
    if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 19 || digits.startsWith("0")) {
      return null;
    }
    try {
      return new RevisionName(split.name().substring(0, dot), Long.parseLong(digits), split.resource());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The parts of a DeletedObject name, or null when {@code text} is not one. */
  static DeletedName parseDeleted(String text) {
    int at = text.indexOf('@');
    if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1) {
      return null;
    }
    return new DeletedName(text.substring(0, at), text.substring(at + 1));
  }
}
