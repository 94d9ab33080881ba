package io.revisor.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VersionInfoTest {
  private static final BuildInfo BUILD = new BuildInfo(
      "0.1.0", "0123abcd", "clean", Instant.parse("2025-06-01T12:34:56.789Z"), "17.0.15+6", "linux/amd64");

  @Test
  void documentHasKubesFieldsInKubesOrder() throws Exception {
    JsonNode document = Json.MAPPER.readTree(VersionInfo.of(BUILD).document().bytes());

    assertThat(document.properties()).extracting(java.util.Map.Entry::getKey).containsExactly(
        "major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler",
        "platform");
    assertThat(document.get("major").asText()).isEqualTo("1");
    assertThat(document.get("minor").asText()).isEqualTo(VersionInfo.KUBERNETES_MINOR);
    assertThat(document.get("gitVersion").asText()).isEqualTo("v1.32.0+revisor.0.1.0");
    assertThat(document.get("gitCommit").asText()).isEqualTo("0123abcd");
    assertThat(document.get("gitTreeState").asText()).isEqualTo("clean");
    assertThat(document.get("buildDate").asText()).isEqualTo("2025-06-01T12:34:56Z");
    assertThat(document.get("goVersion").asText()).isEqualTo("java17.0.15+6");
    assertThat(document.get("compiler").asText()).isEqualTo("javac");
    assertThat(document.get("platform").asText()).isEqualTo("linux/amd64");
    assertThat(VersionInfo.of(BUILD).document().contentType()).isEqualTo("application/json");
  }

  @Test
  void emulatedMinorIsWithinKubectlSkewOfTheTestedClient() {
    int tested = 32;
    assertThat(Math.abs(Integer.parseInt(VersionInfo.KUBERNETES_MINOR) - tested)).isLessThanOrEqualTo(1);
  }

  static Stream<Arguments> gitVersions() {
    return Stream.of(
        argumentSet("release", "0.1.0", "v1.32.0+revisor.0.1.0"),
        argumentSet("snapshot keeps its hyphen", "0.2.0-SNAPSHOT", "v1.32.0+revisor.0.2.0-SNAPSHOT"),
        argumentSet("characters semver forbids", "1.0 beta/2", "v1.32.0+revisor.1.0-beta-2"),
        argumentSet("empty identifiers collapse", "..1..2.", "v1.32.0+revisor.1.2"),
        argumentSet("nothing left", "", "v1.32.0+revisor.unknown"));
  }

  @ParameterizedTest
  @MethodSource("gitVersions")
  void gitVersionIsTheEmulatedVersionWithTheProjectVersionAsBuildMetadata(String version, String gitVersion) {
    BuildInfo build = new BuildInfo(version, "", "", Instant.EPOCH, "17", "linux/amd64");

    assertThat(VersionInfo.of(build).gitVersion()).isEqualTo(gitVersion)
        .matches("v\\d+\\.\\d+\\.\\d+\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*");
  }

  @Test
  void unknownBuildFactsGetKubesPlaceholders() {
    BuildInfo build = new BuildInfo("0.1.0", null, null, null, "17", "linux/amd64");

    VersionInfo info = VersionInfo.of(build);
    assertThat(info.gitCommit()).isEmpty();
    assertThat(info.gitTreeState()).isEmpty();
    assertThat(info.buildDate()).isEqualTo("1970-01-01T00:00:00Z");
  }

  static Stream<Arguments> platforms() {
    return Stream.of(
        argumentSet("Linux x86-64", "Linux", "amd64", "linux/amd64"),
        argumentSet("Linux x86_64 spelling", "Linux", "x86_64", "linux/amd64"),
        argumentSet("Linux ARM", "Linux", "aarch64", "linux/arm64"),
        argumentSet("macOS", "Mac OS X", "aarch64", "darwin/arm64"),
        argumentSet("Windows", "Windows 11", "amd64", "windows/amd64"),
        argumentSet("FreeBSD", "FreeBSD", "amd64", "freebsd/amd64"),
        argumentSet("s390x", "Linux", "s390x", "linux/s390x"));
  }

  @ParameterizedTest
  @MethodSource("platforms")
  void platformUsesGoSpelling(String osName, String osArch, String platform) {
    assertThat(BuildInfo.goPlatform(osName, osArch)).isEqualTo(platform);
  }

  @Test
  void runningJvmFillsRuntimeAndPlatform() {
    BuildInfo build = BuildInfo.ofRunningJvm("0.1.0", "abc", "dirty", Instant.EPOCH);

    assertThat(build.runtime()).isEqualTo(Runtime.version().toString());
    assertThat(build.platform()).matches("[a-z0-9-]+/[a-z0-9_]+");
    assertThat(List.of(build.gitCommit(), build.gitTreeState())).containsExactly("abc", "dirty");
  }
}
