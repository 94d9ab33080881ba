package io.revisor.apiserver.crd;

/**
 * A definition that cannot be served. The message names the source, the field and the problem, e.g.
 * {@code defs/widgets.yaml: spec.versions[0].schema.openAPIV3Schema: Required value}.
 */
public final class DefinitionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;

  public DefinitionException(String source, String field, String problem) {
    super(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
    this.source = source;
    this.field = field;
  }

  /** The file (or resource) the definition came from. */
  public String source() {
    return source;
  }

  /** The offending field path inside the manifest, or empty for the document as a whole. */
  public String field() {
    return field;
  }
}
