package io.revisor.apiserver.admission;

import java.util.List;

/**
 * An {@code openAPIV3Schema} that kube-apiserver would refuse in a CustomResourceDefinition, or that Revisor cannot
 * serve (a {@code pattern} Java cannot compile).
 *
 * <p>{@link #errors()} lists every problem with a field path relative to the schema, starting at
 * {@code openAPIV3Schema} ({@code openAPIV3Schema.properties[spec].properties[size].type}); the caller prefixes the
 * file and {@code spec.versions[i].schema.}. The message joins the lines as apimachinery aggregates them: one line
 * alone, several as {@code [a, b]}.
 */
public final class InvalidSchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<FieldError> errors;

  InvalidSchemaException(List<FieldError> errors) {
    super(GoText.aggregate(errors.stream().map(FieldError::line).toList()));
    this.errors = List.copyOf(errors);
  }

  /** The problems, at least one, in kube's order. */
  public List<FieldError> errors() {
    return errors;
  }
}
