package io.revisor.bench.client;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a byte stream into lines at {@code '\n'}, which is not part of the line; a line may span any number of
 * chunks, and a chunk may hold any number of lines (empty ones included). Not thread-safe: one stream, one thread.
 */
final class LineSplitter {
  private final Consumer<Buffer> onLine;
  /** The start of a line whose end has not arrived yet. */
  private byte[] partial = new byte[0];
  private int partialLength;

  LineSplitter(Consumer<Buffer> onLine) {
    this.onLine = onLine;
  }

  /** Hands every line that {@code chunk} completes to the line consumer, in order, and keeps the rest. */
  void accept(byte[] chunk) {
    int start = 0;
    for (int i = 0; i < chunk.length; i++) {
      if (chunk[i] != '\n') {
        continue;
      }
      if (partialLength == 0) {
        onLine.accept(Buffer.buffer(Arrays.copyOfRange(chunk, start, i)));
      } else {
        append(chunk, start, i);
        byte[] line = Arrays.copyOf(partial, partialLength);
        partialLength = 0;
        onLine.accept(Buffer.buffer(line));
      }
      start = i + 1;
    }
    append(chunk, start, chunk.length);
  }

  /** The bytes after the last line end: a line that has not ended (yet). */
  int pending() {
    return partialLength;
  }

  private void append(byte[] chunk, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return;
    }
    if (partialLength + length > partial.length) {
      partial = Arrays.copyOf(partial, Math.max(partialLength + length, 2 * partial.length));
    }
    System.arraycopy(chunk, from, partial, partialLength, length);
    partialLength += length;
  }
}
