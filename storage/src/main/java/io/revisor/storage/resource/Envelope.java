package io.revisor.storage.resource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The format of every value under {@code registry/}, {@code history/} and {@code trash/}: who made the version and
 * when, how it ended (history and trash only), and the JSON body, inline or as references to content-addressed
 * chunks. A leading magic byte and format number make undecodable data detectable.
 *
 * @param action what made this version
 * @param user who made it
 * @param timeMillis when (server clock, epoch milliseconds)
 * @param revision the revision at which this version was made, when not implied by the key (trash); else 0
 * @param ending how the version ended; null for a current version
 * @param body the JSON object without {@code metadata.resourceVersion}
 */
record Envelope(Action action, String user, long timeMillis, long revision, Ending ending, Body body) {
  private static final byte MAGIC = 'R';
  private static final byte FORMAT = 1;
  private static final int FLAG_ENDING = 1;
  private static final int FLAG_CHUNKED = 2;
  static final int SHA256_BYTES = 32;

  /** How a version stopped being current. */
  record Ending(Action action, String user, long timeMillis) {}

  /** The JSON body: inline, or split into chunks stored under their SHA-256. */
  sealed interface Body {
    long size();
  }

  record Inline(byte[] json) implements Body {
    @Override
    public long size() {
      return json.length;
    }
  }

  /** @param hashes lower-case hex SHA-256 of each chunk, in order */
  record Chunked(long size, List<String> hashes) implements Body {
    Chunked {
      hashes = List.copyOf(hashes);
    }
  }

  Envelope endedBy(Ending end) {
    return new Envelope(action, user, timeMillis, revision, end, body);
  }

  Envelope withRevision(long rev) {
    return new Envelope(action, user, timeMillis, rev, ending, body);
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(body.size(), 1 << 20) + 64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(MAGIC);
      out.writeByte(FORMAT);
      out.writeByte((ending != null ? FLAG_ENDING : 0) | (body instanceof Chunked ? FLAG_CHUNKED : 0));
      out.writeByte(action.ordinal());
      out.writeLong(timeMillis);
      out.writeLong(revision);
      writeString(out, user);
      if (ending != null) {
        out.writeByte(ending.action().ordinal());
        out.writeLong(ending.timeMillis());
        writeString(out, ending.user());
      }
      if (body instanceof Inline inline) {
        out.writeInt(inline.json().length);
        out.write(inline.json());
      } else {
        Chunked chunked = (Chunked) body;
        out.writeLong(chunked.size());
        out.writeInt(chunked.hashes().size());
        HexFormat hex = HexFormat.of();
        for (String h : chunked.hashes()) {
          out.write(hex.parseHex(h));
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
  }

  /**
   * Decodes a stored value.
   *
   * @throws StorageException INTERNAL, naming {@code key}, when the bytes are not a valid envelope
   */
  static Envelope decode(String key, byte[] value) {
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value));
      if (in.readByte() != MAGIC || in.readByte() != FORMAT) {
        throw new IOException("unknown format");
      }
      int flags = in.readUnsignedByte();
      Action action = action(in.readUnsignedByte());
      long time = in.readLong();
      long revision = in.readLong();
      String user = readString(in);
      Ending ending = null;
      if ((flags & FLAG_ENDING) != 0) {
        Action endAction = action(in.readUnsignedByte());
        long endTime = in.readLong();
        ending = new Ending(endAction, readString(in), endTime);
      }
      Body body;
      if ((flags & FLAG_CHUNKED) == 0) {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
          throw new IOException("bad body length " + length);
        }
        body = new Inline(in.readNBytes(length));
      } else {
        long size = in.readLong();
        int count = in.readInt();
        if (count < 0 || (long) count * SHA256_BYTES > in.available()) {
          throw new IOException("bad chunk count " + count);
        }
        List<String> hashes = new ArrayList<>(count);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < count; i++) {
          hashes.add(hex.formatHex(in.readNBytes(SHA256_BYTES)));
        }
        body = new Chunked(size, hashes);
      }
      if (in.available() != 0) {
        throw new IOException("trailing bytes");
      }
      return new Envelope(action, user, time, revision, ending, body);
    } catch (IOException | RuntimeException e) {
      String why = e instanceof EOFException ? "truncated" : e.getMessage();
      throw StorageException.internal("stored data of " + key + " cannot be decoded: " + why, e);
    }
  }

  private static Action action(int ordinal) throws IOException {
    Action[] all = Action.values();
    if (ordinal >= all.length) {
      throw new IOException("unknown action " + ordinal);
    }
    return all[ordinal];
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("bad string length " + length);
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
