package io.revisor.storage.selection;

import java.util.Objects;
import java.util.Set;

/**
 * The selection of a list or watch request: a {@link LabelSelector} and a {@link FieldSelector}, both of which must
 * match. Immutable and thread-safe.
 */
public final class SelectionPredicate implements ObjectPredicate {
  private final LabelSelector labelSelector;
  private final FieldSelector fieldSelector;

  private SelectionPredicate(LabelSelector labelSelector, FieldSelector fieldSelector) {
    this.labelSelector = labelSelector;
    this.fieldSelector = fieldSelector;
  }

  /**
   * Combines two selectors.
   *
   * @param labelSelector the label selector, not null (use {@link LabelSelector#everything()})
   * @param fieldSelector the field selector, not null (use {@link FieldSelector#everything()})
   * @throws NullPointerException if either is null
   */
  public static SelectionPredicate of(LabelSelector labelSelector, FieldSelector fieldSelector) {
    return new SelectionPredicate(
        Objects.requireNonNull(labelSelector, "labelSelector"), Objects.requireNonNull(fieldSelector, "fieldSelector"));
  }

  /**
   * Parses the {@code labelSelector} and {@code fieldSelector} query parameters of a request.
   *
   * @param labelSelector the label selector text; null or empty selects everything
   * @param fieldSelector the field selector text; null or empty selects everything
   * @return {@link ObjectPredicate#EVERYTHING} if both select everything, else a {@link SelectionPredicate}
   * @throws IllegalArgumentException if either text is invalid (see {@link LabelSelector#parse} and
   *     {@link FieldSelector#parse}); the message is fit for a 400 response
   */
  public static ObjectPredicate parse(String labelSelector, String fieldSelector) {
    LabelSelector labels = labelSelector == null ? LabelSelector.everything() : LabelSelector.parse(labelSelector);
    FieldSelector fields = fieldSelector == null ? FieldSelector.everything() : FieldSelector.parse(fieldSelector);
    if (labels.isEverything() && fields.isEverything()) {
      return ObjectPredicate.EVERYTHING;
    }
    return of(labels, fields);
  }

  public LabelSelector labelSelector() {
    return labelSelector;
  }

  public FieldSelector fieldSelector() {
    return fieldSelector;
  }

  @Override
  public boolean matches(ObjectAttributes attributes) {
    return labelSelector.matches(attributes) && fieldSelector.matches(attributes);
  }

  @Override
  public boolean isEverything() {
    return labelSelector.isEverything() && fieldSelector.isEverything();
  }

  @Override
  public Set<String> fieldPaths() {
    return fieldSelector.fieldPaths();
  }

  @Override
  public String singleName() {
    return fieldSelector.singleName();
  }

  /** {@code <labels> && <fields>}, as upstream's {@code SelectionPredicate.String()}. */
  @Override
  public String toString() {
    return labelSelector + " && " + fieldSelector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SelectionPredicate other
        && labelSelector.equals(other.labelSelector)
        && fieldSelector.equals(other.fieldSelector);
  }

  @Override
  public int hashCode() {
    return Objects.hash(labelSelector, fieldSelector);
  }
}
