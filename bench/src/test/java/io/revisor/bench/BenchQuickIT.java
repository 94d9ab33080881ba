package io.revisor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite end to end in its quick form, on creates, reads and watches: it starts etcd and the server jar built by
 * the apiserver module, measures both sides and writes its results. Keeps the harness from rotting; about half a
 * minute. The watch runs (1, 10 and 100 watchers on up to 4 connections, every event to every watcher) are the end to
 * end test of {@link io.revisor.bench.client.WatchClient}.
 */
class BenchQuickIT {
  @Test
  void quickCreatesReadsAndWatches(@TempDir Path out) throws Exception {
    Path jar = Path.of("..", "apiserver", "target", "revisor-apiserver.jar");
    assertThat(jar).as("the server jar (built by the apiserver module before this one)").isRegularFile();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int status = BenchMain.run(new String[] {"--quick", "--scenarios=create,read,watch", "--out=" + out,
        "--server-jar=" + jar}, new PrintStream(log, true, StandardCharsets.UTF_8));
    String printed = log.toString(StandardCharsets.UTF_8);
    assertThat(status).as(printed).isZero();
    assertThat(printed).contains("create c=64").contains("list 1,000 paged 500")
        .containsPattern("(PASS|MISS)  creates at concurrency 64")
        .containsPattern("(PASS|MISS)  list 1,000 RV=0 in-process cache: >= 20x")
        .containsPattern("(PASS|MISS)  list 1,000 consistent in-process cache: >= 20x")
        .contains("INFO  list 1,000 RV=0 over HTTPS")
        .contains("PASS  100 watchers: no lost events (0 lost)");

    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    List<String> ids = new ArrayList<>();
    results.path("rows").forEach(r -> ids.add(r.path("id").asText()));
    assertThat(ids).contains("create.c1.revisor", "create.c64.raw", "read.get.revisor", "read.list.rv0.revisor",
        "read.list.paged.raw", "watch.w1.revisor", "watch.w10.revisor", "watch.w100.revisor", "watch.w100.raw");
    for (String inProcess : List.of("read.list.rv0.in-process", "read.list.consistent.in-process",
        "read.list.paged.in-process")) {
      JsonNode row = row(results, inProcess);
      assertThat(row.path("extra").path("items").asDouble()).as(inProcess + " holds every object").isEqualTo(1000);
      assertThat(row.path("extra").path("bodyBytes").asDouble()).as(inProcess).isGreaterThan(1000 * 1024);
      assertThat(row.path("ratio").asDouble()).as(inProcess).isPositive();
    }
    results.path("rows").forEach(r -> assertThat(r.path("opsPerSec").asDouble()).as(r.toString()).isPositive());
    assertThat(results.path("failures")).isEmpty();
    assertThat(Files.readString(out.resolve("results.svg"))).startsWith("<svg");
  }

  private static JsonNode row(JsonNode results, String id) {
    for (JsonNode row : results.path("rows")) {
      if (row.path("id").asText().equals(id)) {
        return row;
      }
    }
    throw new AssertionError("no row " + id);
  }
}
