package io.revisor.apiserver.http;

import java.util.List;

/** The {@code dryRun} parameter: absent, or {@code All} (run everything, persist nothing). */
final class DryRun {
  private DryRun() {}

  /** Whether the request is a dry run; any value other than {@code All} is a 422. */
  static boolean of(ResourceRequest request) {
    List<String> values = request.routing().queryParams().getAll("dryRun");
    boolean dryRun = false;
    for (String value : values) {
      if (value.equals("All")) {
        dryRun = true;
      } else if (!value.isEmpty()) {
        throw ApiException.of(422, "Invalid", "Invalid dryRun parameter: " + QueryParams.quote(value)
            + ": supported values: \"All\"", ApiException.Details.NONE,
            List.of(new ApiException.Cause("FieldValueNotSupported",
                "Unsupported value: " + QueryParams.quote(value) + ": supported values: \"All\"", "dryRun")));
      }
    }
    return dryRun;
  }
}
