package io.revisor.apiserver.discovery;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * What the build and the runtime know about this server, for {@code GET /version}. The caller supplies it (from the
 * build's stamped properties); nothing here reads a clock.
 *
 * @param version the project version, e.g. {@code 0.1.0}
 * @param gitCommit the commit the build came from, or empty when unknown
 * @param gitTreeState {@code clean}, {@code dirty}, or empty when unknown
 * @param buildDate when the build ran; {@link Instant#EPOCH} when unknown (kube's own placeholder)
 * @param runtime the Java runtime version, e.g. {@code 17.0.15+6}
 * @param platform {@code <os>/<arch>} in Go's spelling, e.g. {@code linux/amd64}
 */
public record BuildInfo(
    String version, String gitCommit, String gitTreeState, Instant buildDate, String runtime, String platform) {
  public BuildInfo {
    Objects.requireNonNull(version, "version");
    gitCommit = Objects.requireNonNullElse(gitCommit, "");
    gitTreeState = Objects.requireNonNullElse(gitTreeState, "");
    buildDate = Objects.requireNonNullElse(buildDate, Instant.EPOCH);
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(platform, "platform");
  }

  /** The build facts given, with the runtime and platform of the running JVM. */
  public static BuildInfo ofRunningJvm(String version, String gitCommit, String gitTreeState, Instant buildDate) {
    return new BuildInfo(version, gitCommit, gitTreeState, buildDate, Runtime.version().toString(),
        goPlatform(System.getProperty("os.name", ""), System.getProperty("os.arch", "")));
  }

  /** Java's {@code os.name}/{@code os.arch} in Go's {@code GOOS/GOARCH} spelling, which clients expect here. */
  static String goPlatform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      os = "darwin";
    } else {
      os = os.replace(' ', '-');
    }
    String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      case "ppc64le" -> "ppc64le";
      case "s390x" -> "s390x";
      default -> osArch.toLowerCase(Locale.ROOT);
    };
    return os + "/" + arch;
  }
}
