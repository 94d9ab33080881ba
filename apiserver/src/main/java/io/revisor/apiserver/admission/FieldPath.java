package io.revisor.apiserver.admission;

/**
 * apimachinery's {@code field.Path} as text: {@code child} appends {@code .name}, {@code key} appends
 * {@code [key]}, {@code index} appends {@code [i]}; the nil path prints as {@code <nil>}. Immutable.
 */
final class FieldPath {
  /** The nil path ({@code (*field.Path)(nil)}). */
  static final FieldPath NIL = new FieldPath(null);

  private final String text;

  private FieldPath(String text) {
    this.text = text;
  }

  static FieldPath of(String name) {
    return new FieldPath(name);
  }

  FieldPath child(String name) {
    return new FieldPath(text == null ? name : text + "." + name);
  }

  FieldPath key(String key) {
    return new FieldPath((text == null ? "" : text) + "[" + key + "]");
  }

  FieldPath index(int i) {
    return new FieldPath((text == null ? "" : text) + "[" + i + "]");
  }

  boolean isNil() {
    return text == null;
  }

  @Override
  public String toString() {
    return text == null ? "<nil>" : text;
  }
}
