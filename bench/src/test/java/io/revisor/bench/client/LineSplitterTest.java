package io.revisor.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  private final List<String> lines = new ArrayList<>();
  private final LineSplitter splitter = new LineSplitter(line -> lines.add(line.toString(StandardCharsets.UTF_8)));

  private void feed(String chunk) {
    splitter.accept(chunk.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void splitsAChunkOfWholeLines() {
    feed("{\"a\":1}\n{\"b\":2}\n");
    assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(splitter.pending()).isZero();
  }

  @Test
  void joinsALineSpreadOverChunks() {
    feed("{\"a\"");
    feed(":");
    assertThat(lines).isEmpty();
    assertThat(splitter.pending()).isEqualTo(5);
    feed("1}\n{\"b\":2}\n{\"c\"");
    assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(splitter.pending()).isEqualTo(4);
    feed(":3}");
    feed("\n");
    assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    assertThat(splitter.pending()).isZero();
  }

  @Test
  void keepsEmptyLinesAndEmptyChunks() {
    feed("");
    feed("\n\nx\n");
    feed("");
    assertThat(lines).containsExactly("", "", "x");
  }

  @Test
  void handsOverLinesThatOutliveTheChunk() {
    byte[] chunk = "ab\ncd\n".getBytes(StandardCharsets.UTF_8);
    List<Buffer> kept = new ArrayList<>();
    LineSplitter keeping = new LineSplitter(kept::add);
    keeping.accept(chunk);
    chunk[0] = 'X';
    assertThat(kept).extracting(b -> b.toString(StandardCharsets.UTF_8)).containsExactly("ab", "cd");
  }

  @Test
  void growsForLongLines() {
    String big = "x".repeat(100_000);
    for (int i = 0; i < big.length(); i += 1000) {
      feed(big.substring(i, i + 1000));
    }
    assertThat(splitter.pending()).isEqualTo(100_000);
    feed("\n");
    assertThat(lines).containsExactly(big);
  }
}
