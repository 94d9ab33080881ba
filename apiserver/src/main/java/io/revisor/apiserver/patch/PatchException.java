package io.revisor.apiserver.patch;

import io.revisor.apiserver.json.GoStrings;
import java.util.List;

/**
 * The only failure of this package: a patch, an apply configuration or a request option that kube-apiserver would
 * reject. It carries everything the caller needs to answer with a Kubernetes {@code Status} and nothing about HTTP
 * beyond the code: {@link #kind()} gives the code and reason, {@link #getMessage()} is the Status message, written
 * to be used verbatim, and {@link #causes()} are the Status {@code details.causes}.
 *
 * <p>Instances are immutable.
 */
public final class PatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The Status a failure maps to. */
  public enum Kind {
    /** 400 {@code BadRequest}: the patch or apply configuration cannot be decoded or is not of the right shape. */
    BAD_REQUEST(400, "BadRequest"),
    /** 409 {@code Conflict}: server-side apply would change fields another manager owns; see {@link #conflicts()}. */
    CONFLICT(409, "Conflict"),
    /** 413 {@code RequestEntityTooLarge}: a JSON patch with more than 10000 operations. */
    REQUEST_ENTITY_TOO_LARGE(413, "RequestEntityTooLarge"),
    /** 422 {@code Invalid}: a JSON patch operation failed, or request options (the field manager) are invalid. */
    INVALID(422, "Invalid");

    private final int code;
    private final String reason;

    Kind(int code, String reason) {
      this.code = code;
      this.reason = reason;
    }

    /** The HTTP status code. */
    public int code() {
      return code;
    }

    /** The Status {@code reason}. */
    public String reason() {
      return reason;
    }
  }

  /**
   * One Status cause: {@code type} (for example {@code FieldManagerConflict}, {@code FieldValueRequired}),
   * {@code message} and {@code field}, each possibly empty.
   */
  public record Cause(String type, String message, String field) {}

  /**
   * One apply conflict: the field (a path such as {@code .spec.title} or {@code .spec.ports[name="http"].port}) and
   * the entry of {@code metadata.managedFields} that owns it. {@code apiVersion} is empty for {@code Apply} entries,
   * {@code subresource} is empty unless the owner wrote through a subresource.
   */
  public record Conflict(String manager, String operation, String apiVersion, String subresource, String field) {
    /** The owner as kube names it in messages: {@code "kubectl-client-side-apply" using demo.revisor.io/v1}. */
    public String owner() {
      String owner = GoStrings.quote(manager);
      if (!subresource.isEmpty()) {
        owner += " with subresource " + GoStrings.quote(subresource);
      }
      if ("Update".equals(operation)) {
        owner += " using " + apiVersion;
      }
      return owner;
    }
  }

  private final Kind kind;
  private final List<Cause> causes;
  private final List<Conflict> conflicts;
  private final String detailsGroup;
  private final String detailsKind;
  private final String detail;

  private PatchException(
      Kind kind,
      String message,
      List<Cause> causes,
      List<Conflict> conflicts,
      String detailsGroup,
      String detailsKind,
      String detail) {
    super(message, null, false, false);
    this.kind = kind;
    this.causes = List.copyOf(causes);
    this.conflicts = List.copyOf(conflicts);
    this.detailsGroup = detailsGroup;
    this.detailsKind = detailsKind;
    this.detail = detail;
  }

  /** The Status code and reason. */
  public Kind kind() {
    return kind;
  }

  /** The Status {@code details.causes}, in order; empty when kube sends none. */
  public List<Cause> causes() {
    return causes;
  }

  /** For {@link Kind#CONFLICT}: the conflicts, grouped by owner; empty otherwise. */
  public List<Conflict> conflicts() {
    return conflicts;
  }

  /** The Status {@code details.group} (for example {@code meta.k8s.io} for invalid options), or empty. */
  public String detailsGroup() {
    return detailsGroup;
  }

  /** The Status {@code details.kind} (for example {@code PatchOptions} for invalid options), or empty. */
  public String detailsKind() {
    return detailsKind;
  }

  /**
   * What went wrong in more words than the Status message gives, for logs (kube answers a failed JSON patch
   * operation with a fixed message); never meant for the response. Empty when the message says it all.
   */
  public String detail() {
    return detail;
  }

  static PatchException badRequest(String message) {
    return new PatchException(Kind.BAD_REQUEST, message, List.of(), List.of(), "", "", "");
  }

  static PatchException tooLarge(String message) {
    return new PatchException(Kind.REQUEST_ENTITY_TOO_LARGE, "Request entity too large: " + message, List.of(),
        List.of(), "", "", "");
  }

  /**
   * A JSON patch that does not apply. kube answers with a generic 422 ({@code NewGenericServerResponse}) whose
   * message does not say which operation failed; {@code detail} keeps that for logs.
   */
  static PatchException patchNotApplicable(String detail) {
    return new PatchException(Kind.INVALID, "the server rejected our request due to an error in our request",
        List.of(), List.of(), "", "", detail);
  }

  /** kube's {@code NewInvalid(groupKind, name, errs)}: the message lists every field error. */
  static PatchException invalid(String group, String kind, String name, List<FieldError> errors) {
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    StringBuilder message = new StringBuilder(qualified).append(' ').append(GoStrings.quote(name)).append(" is invalid");
    if (!errors.isEmpty()) {
      message.append(": ");
      if (errors.size() == 1) {
        message.append(errors.get(0));
      } else {
        message.append('[');
        for (int i = 0; i < errors.size(); i++) {
          message.append(i == 0 ? "" : ", ").append(errors.get(i));
        }
        message.append(']');
      }
    }
    List<Cause> causes = errors.stream().map(e -> new Cause(e.type(), e.body(), e.field())).toList();
    return new PatchException(Kind.INVALID, message.toString(), causes, List.of(), group, kind, "");
  }

  /** kube's {@code NewApplyConflict}, with the message of its field manager's {@code getConflictMessage}. */
  static PatchException conflict(List<Conflict> conflicts) {
    List<Cause> causes = conflicts.stream()
        .map(c -> new Cause("FieldManagerConflict", "conflict with " + c.owner(), c.field()))
        .toList();
    return new PatchException(Kind.CONFLICT, conflictMessage(conflicts), causes, conflicts, "", "", "");
  }

  private static String conflictMessage(List<Conflict> conflicts) {
    if (conflicts.size() == 1) {
      Conflict c = conflicts.get(0);
      return "Apply failed with 1 conflict: conflict with " + c.owner() + ": " + c.field();
    }
    // The conflicts arrive grouped by owner, owners in kube's order (sorted manager identifiers).
    StringBuilder message = new StringBuilder("Apply failed with ").append(conflicts.size()).append(" conflicts: ");
    String owner = null;
    for (Conflict c : conflicts) {
      if (!c.owner().equals(owner)) {
        if (owner != null) {
          message.append('\n');
        }
        owner = c.owner();
        message.append("conflicts with ").append(owner).append(':');
      }
      message.append("\n- ").append(c.field());
    }
    return message.toString();
  }

  /**
   * One field error as kube's {@code field.Error} prints it: {@code <field>: <body>}; {@code type} is the Status
   * cause type ({@code FieldValueRequired}, {@code FieldValueTooLong}, {@code FieldValueInvalid}, ...).
   */
  record FieldError(String type, String field, String body) {
    @Override
    public String toString() {
      return field + ": " + body;
    }
  }
}
