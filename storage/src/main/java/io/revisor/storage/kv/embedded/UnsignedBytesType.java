package io.revisor.storage.kv.embedded;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * MVStore key type for byte strings in unsigned lexicographic order: the order of etcd keys (UTF-8 byte order).
 * H2's own {@code ByteArrayDataType} does not define an order usable for keys, hence this type.
 */
final class UnsignedBytesType extends BasicDataType<byte[]> {
  static final UnsignedBytesType INSTANCE = new UnsignedBytesType();

  private UnsignedBytesType() {}

  @Override
  public int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  @Override
  public int getMemory(byte[] data) {
    return 24 + data.length;
  }

  @Override
  public void write(WriteBuffer buff, byte[] data) {
    buff.putVarInt(data.length);
    buff.put(data);
  }

  @Override
  public byte[] read(ByteBuffer buff) {
    int len = DataUtils.readVarInt(buff);
    byte[] data = new byte[len];
    buff.get(data);
    return data;
  }

  @Override
  public byte[][] createStorage(int size) {
    return new byte[size][];
  }
}
