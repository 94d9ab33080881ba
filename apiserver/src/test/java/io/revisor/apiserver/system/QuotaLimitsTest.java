package io.revisor.apiserver.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.admission.FieldError;
import io.revisor.apiserver.http.ApiException;
import io.revisor.apiserver.json.Json;
import io.revisor.storage.resource.ObjectKey;
import io.revisor.storage.resource.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The keys and values a StorageQuota accepts, and kube's ResourceQuota words for a refusal. */
class QuotaLimitsTest {
  private static final String FORMAT = "quantities must match the regular expression "
      + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  private static final String KEY = "must be count/<plural>.<group> or bytes/<plural>.<group>, e.g. "
      + "count/dashboards.demo.revisor.io";

  private static JsonNode json(String text) {
    try {
      return Json.parse(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void validatesEachEntry(String hard, List<String> lines) {
    assertThat(QuotaLimits.validate(json(hard))).extracting(FieldError::line).containsExactlyElementsOf(lines);
  }

  static Stream<Arguments> entries() {
    return Stream.of(
        entry("a count as a number", "{\"count/dashboards.demo.revisor.io\": 10}"),
        entry("bytes with a binary suffix", "{\"bytes/dashboards.demo.revisor.io\": \"10Mi\"}"),
        entry("a count in milli-units that is whole", "{\"count/dashboards.demo.revisor.io\": \"2000m\"}"),
        entry("zero", "{\"count/dashboards.demo.revisor.io\": \"0\"}"),
        entry("an exponent", "{\"bytes/dashboards.demo.revisor.io\": \"1e3\"}"),
        entry("a resource that is not served", "{\"count/widgets.example.com\": 1}"),
        entry("no limits at all", "{}"),
        entry("an unknown measure", "{\"cpu/dashboards.demo.revisor.io\": 1}",
            "spec.hard[cpu/dashboards.demo.revisor.io]: Invalid value: \"cpu/dashboards.demo.revisor.io\": " + KEY),
        entry("no slash", "{\"dashboards\": 1}", "spec.hard[dashboards]: Invalid value: \"dashboards\": " + KEY),
        entry("no group", "{\"count/dashboards\": 1}",
            "spec.hard[count/dashboards]: Invalid value: \"count/dashboards\": " + KEY),
        entry("upper case", "{\"count/Dashboards.demo.revisor.io\": 1}",
            "spec.hard[count/Dashboards.demo.revisor.io]: Invalid value: \"count/Dashboards.demo.revisor.io\": "
                + KEY),
        entry("an empty label", "{\"count/dashboards..io\": 1}",
            "spec.hard[count/dashboards..io]: Invalid value: \"count/dashboards..io\": " + KEY),
        entry("one of Revisor's own kinds", "{\"count/storagequotas.revisor.io\": 1}",
            "spec.hard[count/storagequotas.revisor.io]: Invalid value: \"count/storagequotas.revisor.io\": "
                + "Revisor's own kinds (revisor.io) are not limited by quotas"),
        entry("a negative count", "{\"count/dashboards.demo.revisor.io\": -1}",
            "spec.hard[count/dashboards.demo.revisor.io]: Invalid value: \"-1\": must be greater than or equal to 0"),
        entry("negative bytes", "{\"bytes/dashboards.demo.revisor.io\": \"-1Ki\"}",
            "spec.hard[bytes/dashboards.demo.revisor.io]: Invalid value: \"-1Ki\": must be greater than or equal to 0"),
        entry("a fractional count", "{\"count/dashboards.demo.revisor.io\": \"1500m\"}",
            "spec.hard[count/dashboards.demo.revisor.io]: Invalid value: \"1500m\": must be an integer"),
        entry("a word", "{\"bytes/dashboards.demo.revisor.io\": \"lots\"}",
            "spec.hard[bytes/dashboards.demo.revisor.io]: Invalid value: \"lots\": " + FORMAT),
        entry("a suffix kube does not know", "{\"bytes/dashboards.demo.revisor.io\": \"1KB\"}",
            "spec.hard[bytes/dashboards.demo.revisor.io]: Invalid value: \"1KB\": " + FORMAT),
        entry("two dots", "{\"bytes/dashboards.demo.revisor.io\": \"1.5.5\"}",
            "spec.hard[bytes/dashboards.demo.revisor.io]: Invalid value: \"1.5.5\": " + FORMAT),
        entry("every problem is reported", "{\"count/a.b\": \"x\", \"count/c.d\": 1, \"size/e.f\": 1}",
            "spec.hard[count/a.b]: Invalid value: \"x\": " + FORMAT,
            "spec.hard[size/e.f]: Invalid value: \"size/e.f\": " + KEY));
  }

  private static Arguments entry(String name, String hard, String... lines) {
    return Arguments.of(named(name, hard), List.of(lines));
  }

  @Test
  void parsesValidLimitsAsWholeNumbers() {
    List<QuotaLimits.Limit> limits = QuotaLimits.parse(json("{\"count/dashboards.demo.revisor.io\": 3, "
        + "\"bytes/dashboards.demo.revisor.io\": \"10Mi\", \"bytes/folders.demo.revisor.io\": \"1.5\", "
        + "\"count/folders.demo.revisor.io\": \"bad\", \"bytes/huge.example.com\": \"100Ei\"}"));
    assertThat(limits).containsExactly(
        new QuotaLimits.Limit(QuotaLimits.Measure.COUNT, "dashboards.demo.revisor.io", 3, "3"),
        new QuotaLimits.Limit(QuotaLimits.Measure.BYTES, "dashboards.demo.revisor.io", 10L << 20, "10Mi"),
        new QuotaLimits.Limit(QuotaLimits.Measure.BYTES, "folders.demo.revisor.io", 2, "1.5"),
        new QuotaLimits.Limit(QuotaLimits.Measure.BYTES, "huge.example.com", Long.MAX_VALUE, "100Ei"));
    assertThat(limits.get(1).key()).isEqualTo("bytes/dashboards.demo.revisor.io");
  }

  @Test
  void invalidQuotaIsKube422() {
    ApiException e = QuotaLimits.invalid("q", QuotaLimits.validate(json("{\"count/x\": 1, \"count/a.b\": -2}")));
    assertThat(e.code()).isEqualTo(422);
    assertThat(e.reason()).isEqualTo("Invalid");
    assertThat(e.getMessage()).isEqualTo("StorageQuota.revisor.io \"q\" is invalid: ["
        + "spec.hard[count/x]: Invalid value: \"count/x\": " + KEY + ", "
        + "spec.hard[count/a.b]: Invalid value: \"-2\": must be greater than or equal to 0]");
    assertThat(e.toStatus().path("details").path("causes").get(0).path("field").asText())
        .isEqualTo("spec.hard[count/x]");
  }

  @Test
  void refusalIsWordedLikeKubeResourceQuotaAdmission() {
    ObjectKey key = ResourceType.namespaced("demo.revisor.io", "dashboards").key("team-a", "home");
    TreeMap<String, String> requested = new TreeMap<>();
    requested.put("count/dashboards.demo.revisor.io", "1");
    requested.put("bytes/dashboards.demo.revisor.io", "120");
    TreeMap<String, String> used = new TreeMap<>();
    used.put("count/dashboards.demo.revisor.io", "2");
    used.put("bytes/dashboards.demo.revisor.io", "1000");
    TreeMap<String, String> limited = new TreeMap<>();
    limited.put("count/dashboards.demo.revisor.io", "2");
    limited.put("bytes/dashboards.demo.revisor.io", "1k");

    ApiException e = QuotaLimits.exceeded(key, "small", requested, used, limited);

    assertThat(e.code()).isEqualTo(403);
    assertThat(e.reason()).isEqualTo("Forbidden");
    assertThat(e.getMessage()).isEqualTo("dashboards.demo.revisor.io \"home\" is forbidden: exceeded quota: small, "
        + "requested: bytes/dashboards.demo.revisor.io=120,count/dashboards.demo.revisor.io=1, "
        + "used: bytes/dashboards.demo.revisor.io=1000,count/dashboards.demo.revisor.io=2, "
        + "limited: bytes/dashboards.demo.revisor.io=1k,count/dashboards.demo.revisor.io=2");
    assertThat(e.toStatus().path("details").path("kind").asText()).isEqualTo("dashboards");
    assertThat(e.toStatus().path("details").path("group").asText()).isEqualTo("demo.revisor.io");
    assertThat(e.toStatus().path("details").path("name").asText()).isEqualTo("home");
  }

  @Test
  void admittedDropsTheStatusAndRefusesBadLimits() {
    ObjectKey key = StorageQuotas.TYPE.key("team-a", "q");
    byte[] admitted = StorageQuotas.admitted(key, ("{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":"
        + "{\"count/a.b\":1}},\"status\":{\"used\":{\"count/a.b\":\"7\"}}}").getBytes(StandardCharsets.UTF_8));
    assertThat(json(new String(admitted, StandardCharsets.UTF_8)).has("status")).isFalse();
    assertThatThrownBy(() -> StorageQuotas.admitted(key, "{\"metadata\":{\"name\":\"q\"},\"spec\":{\"hard\":{\"a\":1}}}"
        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
  }
}
