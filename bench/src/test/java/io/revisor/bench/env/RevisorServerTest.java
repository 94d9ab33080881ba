package io.revisor.bench.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RevisorServerTest {
  @Test
  void readsTheTotalOfAClassHistogram() {
    String histogram = String.join("\n",
        "12345:",
        " num     #instances         #bytes  class name (module)",
        "-------------------------------------------------------",
        "   1:         36915        3221880  [B (java.base@17.0.15)",
        "   2:          9123         218952  java.lang.String (java.base@17.0.15)",
        "Total        114592        8771336");
    assertThat(RevisorServer.histogramTotal(histogram)).isEqualTo(8_771_336L);
    assertThatThrownBy(() -> RevisorServer.histogramTotal("nothing")).hasMessageContaining("no Total line");
  }
}
