package io.revisor.apiserver.table;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * One Table row, serialized ({@code {"cells":[...],"object":...}}) except for the cells of {@code date} columns,
 * whose age depends on when the table is written: those are kept as instants and written by {@link #writeTo} relative
 * to the table's clock reading. A row therefore depends only on its object's content, never on time, and can be kept
 * and reused for as long as that content is current (see {@link TableConvertor#prepare}).
 *
 * <p>Immutable and thread-safe.
 */
public final class TableRow {
  /** A rough allowance for the row object, its arrays and a cache entry, on top of the bytes. */
  private static final int OVERHEAD_BYTES = 96;

  private final byte[] json;
  /** Where in {@link #json} each age goes, ascending. */
  private final int[] agePositions;
  /** The instants whose ages go at {@link #agePositions}. */
  private final Instant[] ages;

  TableRow(byte[] json, int[] agePositions, Instant[] ages) {
    this.json = json;
    this.agePositions = agePositions;
    this.ages = ages;
  }

  /** Appends the row's JSON to {@code out}, with every age measured from {@code now}. */
  public void writeTo(ByteArrayOutputStream out, Instant now) {
    int from = 0;
    for (int i = 0; i < ages.length; i++) {
      out.write(json, from, agePositions[i] - from);
      // HumanDuration writes ASCII letters, digits and <>: nothing that needs escaping in a JSON string.
      out.writeBytes(('"' + HumanDuration.format(Duration.between(ages[i], now)) + '"')
          .getBytes(StandardCharsets.US_ASCII));
      from = agePositions[i];
    }
    out.write(json, from, json.length - from);
  }

  /** About how many bytes the row writes (ages counted short). */
  int length() {
    return json.length + ages.length * 8;
  }

  /** About how many bytes of memory the row holds, for bounding a cache of rows by weight. */
  public int weight() {
    return OVERHEAD_BYTES + json.length + ages.length * (Integer.BYTES + 32);
  }
}
