package io.revisor.storage.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {
  @Test
  void revisionSegmentsAreTwentyDigitsThatSortAsTheirNumbers() {
    assertThat(KeyLayout.revisionSegment(0)).isEqualTo("00000000000000000000");
    assertThat(KeyLayout.revisionSegment(123)).isEqualTo("00000000000000000123");
    assertThat(KeyLayout.revisionSegment(Long.MAX_VALUE)).isEqualTo("09223372036854775807");
    List<Long> revisions = List.of(0L, 9L, 10L, 99L, 100L, 123_456_789L, 10_000_000_000L, Long.MAX_VALUE);
    List<String> segments = revisions.stream().map(KeyLayout::revisionSegment).toList();
    assertThat(segments).isSortedAccordingTo(Comparator.naturalOrder()).allSatisfy(s -> assertThat(s).hasSize(20));
    assertThat(Stream.of(7L, 42L).map(KeyLayout::revisionSegment))
        .containsExactly(String.format("%020d", 7L), String.format("%020d", 42L));
  }
}
