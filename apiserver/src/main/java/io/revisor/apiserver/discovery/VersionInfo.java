package io.revisor.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import io.revisor.apiserver.json.JsonDocument;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The {@code GET /version} document, kube's {@code version.Info}.
 *
 * <p>{@code major}/{@code minor} are the Kubernetes API version this server emulates, not the project version:
 * clients compare them with their own (kubectl warns in {@code kubectl version} when the minor versions differ by more
 * than one, and some tools gate features on them). {@value #KUBERNETES_MINOR} keeps kubectl 1.31 to 1.33 quiet,
 * including the kubectl 1.32 the project tests with, and matches the API behaviour implemented (aggregated discovery
 * v2, {@code sendInitialEvents}, {@code fieldValidation}). {@code gitVersion} is {@code v1.<minor>.0} with the project
 * version as semver build metadata ({@code v1.32.0+revisor.0.1.0}), so that tools that parse it as semver (Helm's
 * {@code kubeVersion}) compare it as 1.32.0 while people still see which server answered.
 *
 * @param major the emulated Kubernetes major version, {@code "1"}
 * @param minor the emulated Kubernetes minor version
 * @param gitVersion see above
 * @param gitCommit the build's commit, or empty
 * @param gitTreeState {@code clean}, {@code dirty} or empty
 * @param buildDate RFC 3339 in UTC, seconds precision, e.g. {@code 2025-06-01T12:00:00Z}
 * @param goVersion the Java runtime, e.g. {@code java17.0.15+6} (the field name is kube's)
 * @param compiler {@code javac}
 * @param platform e.g. {@code linux/amd64}
 */
public record VersionInfo(
    String major,
    String minor,
    String gitVersion,
    String gitCommit,
    String gitTreeState,
    String buildDate,
    String goVersion,
    String compiler,
    String platform) {
  /** The emulated Kubernetes major version. */
  public static final String KUBERNETES_MAJOR = "1";
  /** The emulated Kubernetes minor version. */
  public static final String KUBERNETES_MINOR = "32";

  public VersionInfo {
    Objects.requireNonNull(major, "major");
    Objects.requireNonNull(minor, "minor");
    Objects.requireNonNull(gitVersion, "gitVersion");
    Objects.requireNonNull(gitCommit, "gitCommit");
    Objects.requireNonNull(gitTreeState, "gitTreeState");
    Objects.requireNonNull(buildDate, "buildDate");
    Objects.requireNonNull(goVersion, "goVersion");
    Objects.requireNonNull(compiler, "compiler");
    Objects.requireNonNull(platform, "platform");
  }

  /** The version document of a build. */
  public static VersionInfo of(BuildInfo build) {
    return new VersionInfo(
        KUBERNETES_MAJOR,
        KUBERNETES_MINOR,
        "v" + KUBERNETES_MAJOR + "." + KUBERNETES_MINOR + ".0+revisor." + semverIdentifiers(build.version()),
        build.gitCommit(),
        build.gitTreeState(),
        DateTimeFormatter.ISO_INSTANT.format(build.buildDate().truncatedTo(ChronoUnit.SECONDS)),
        "java" + build.runtime(),
        "javac",
        build.platform());
  }

  /** The serialized document, fields in kube's order. */
  public JsonDocument document() {
    ObjectNode node = Json.object()
        .put("major", major)
        .put("minor", minor)
        .put("gitVersion", gitVersion)
        .put("gitCommit", gitCommit)
        .put("gitTreeState", gitTreeState)
        .put("buildDate", buildDate)
        .put("goVersion", goVersion)
        .put("compiler", compiler)
        .put("platform", platform);
    return JsonDocument.of(node);
  }

  /** {@code 0.1.0-SNAPSHOT} stays as it is; characters semver forbids in build metadata become {@code -}. */
  private static String semverIdentifiers(String version) {
    String cleaned = version.replaceAll("[^0-9A-Za-z.-]", "-").replaceAll("\\.{2,}", ".");
    cleaned = cleaned.replaceAll("^\\.|\\.$", "");
    return cleaned.isEmpty() ? "unknown" : cleaned;
  }
}
