package io.revisor.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.revisor.bench.load.Measurement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportTest {
  private static Report sample() {
    Report report = new Report();
    report.environment("processors", 2);
    report.add(Row.of("create.c64.revisor", "create c=64", Row.REVISOR,
        new Measurement(1000, 0, 2.0, 12.345, 150.0, null), 0.25, "1,000 ops in 2.0 s"));
    report.add(Row.of("create.c64.raw", "create c=64", Row.RAW,
        new Measurement(4000, 0, 2.0, 1.5, 9.0, null), null, "4,000 ops in 2.0 s"));
    report.add(new Row("memory.raw", "memory <1 KiB> & more", Row.RAW, null, null, null, null, "size", Map.of()));
    report.add(Row.of("nothing.revisor", "nothing", Row.REVISOR,
        new Measurement(0, 3, 0, Double.NaN, Double.NaN, "boom"), Double.NaN, null));
    report.targets(List.of(Target.check("creates >= 50%", false, "25%"), new Target("heap", Target.Status.NA, "no cache")));
    report.fail("watch 1000 (revisor): 3 events lost");
    return report;
  }

  @Test
  void tableAlignsColumnsAndLeavesMissingFiguresBlank() {
    String table = sample().table();
    List<String> lines = table.lines().toList();
    assertThat(lines.get(0)).startsWith("scenario").contains("ops/s").contains("p50 ms").contains("Revisor/raw");
    assertThat(lines.get(1)).matches("-+");
    assertThat(lines.get(2)).contains("create c=64").contains("revisor").contains("500").contains("12.3")
        .contains("150").contains("0.25x").endsWith("1,000 ops in 2.0 s");
    assertThat(lines.get(3)).contains("2,000").contains("1.50").contains("9.00");
    // numbers are right-aligned: the ops/s column ends at the same place on every line
    int end = lines.get(0).indexOf("ops/s") + "ops/s".length();
    assertThat(lines.get(2).substring(0, end)).endsWith("500");
    assertThat(lines.get(3).substring(0, end)).endsWith("2,000");
    assertThat(lines.get(5)).contains("nothing").doesNotContain("NaN");
  }

  @Test
  void targetsTextHasOneLinePerGoal() {
    assertThat(sample().targetsText().lines().toList())
        .containsExactly("MISS  creates >= 50% (25%)", "NA    heap (no cache)");
  }

  @Test
  void writesJsonAndWellFormedSvg(@TempDir Path dir) throws Exception {
    sample().write(dir.resolve("out"));
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/results.json").toFile());
    assertThat(json.path("environment").path("processors").asInt()).isEqualTo(2);
    assertThat(json.path("rows")).hasSize(4);
    assertThat(json.path("rows").get(0).path("ratio").asDouble()).isEqualTo(0.25);
    assertThat(json.path("rows").get(3).path("p50Ms").isNull()).isTrue();
    assertThat(json.path("rows").get(3).path("ratio").isNull()).isTrue();
    assertThat(json.path("targets").get(0).path("status").asText()).isEqualTo("MISS");
    assertThat(json.path("failures").get(0).asText()).contains("3 events lost");

    String svg = Files.readString(dir.resolve("out/results.svg"));
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(dir.resolve("out/results.svg").toFile());
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    // one bar per row with a ratio
    assertThat(doc.getElementsByTagName("rect").getLength()).isEqualTo(1 + 1);
    assertThat(svg).contains("0.25x").contains("creates &gt;= 50%").doesNotContain("NaN");
  }
}
