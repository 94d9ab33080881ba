package io.revisor.storage.resource;

import io.revisor.storage.kv.Compare;
import io.revisor.storage.kv.KeyValue;
import io.revisor.storage.kv.KvOp;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.TxnRequest;
import io.revisor.storage.kv.TxnResult;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Objects too large for one backend request are stored as content-addressed chunks ({@code chunks/<sha256>}),
 * written before the object key that references them (blob before index). The object's transaction then guards on
 * each chunk's create revision, so a chunk that the garbage collector removed in between makes the transaction fail
 * and the writer writes the chunk again, instead of committing a dangling reference.
 */
final class ChunkStore {
  /** A body ready to be referenced by an envelope, and the compares that keep its chunks alive until commit. */
  record Prepared(Envelope.Body body, List<Compare> guards) {}

  private final KvStore kv;
  private final KeyLayout keys;
  private final int inlineLimit;
  private final int chunkSize;

  ChunkStore(KvStore kv, KeyLayout keys, int inlineLimit, int chunkSize) {
    this.kv = kv;
    this.keys = keys;
    this.inlineLimit = inlineLimit;
    this.chunkSize = chunkSize;
  }

  /** Keeps small bodies inline; writes large ones as chunks first. */
  CompletableFuture<Prepared> prepare(byte[] body) {
    if (body.length <= inlineLimit) {
      return CompletableFuture.completedFuture(new Prepared(new Envelope.Inline(body), List.of()));
    }
    List<CompletableFuture<Compare>> writes = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (int offset = 0; offset < body.length; offset += chunkSize) {
      byte[] part = Arrays.copyOfRange(body, offset, Math.min(body.length, offset + chunkSize));
      String hash = sha256(part);
      hashes.add(hash);
      writes.add(writeChunk(keys.chunk(hash), part));
    }
    return Futures.all(writes).thenApply(guards ->
        new Prepared(new Envelope.Chunked(body.length, hashes), guards.stream().distinct().toList()));
  }

  private CompletableFuture<Compare> writeChunk(String key, byte[] part) {
    TxnRequest put = TxnRequest.when(List.of(), List.of(new KvOp.Put(key, part, true)));
    return Futures.of(kv.txn(put)).thenApply(result -> {
      KeyValue previous = ((TxnResult.PutResult) result.results().get(0)).prevKv();
      long createRevision = previous != null ? previous.createRevision() : result.revision();
      return Compare.createRevisionIs(key, createRevision);
    });
  }

  /** The JSON body of an envelope, reassembling chunks and verifying their hashes. */
  CompletableFuture<byte[]> read(String owner, Envelope.Body body) {
    if (body instanceof Envelope.Inline inline) {
      return CompletableFuture.completedFuture(inline.json());
    }
    Envelope.Chunked chunked = (Envelope.Chunked) body;
    List<CompletableFuture<byte[]>> parts = new ArrayList<>();
    for (String hash : chunked.hashes()) {
      parts.add(Futures.of(kv.get(keys.chunk(hash))).thenApply(chunk -> {
        if (chunk == null) {
          throw StorageException.internal(owner + " references missing chunk " + hash, null);
        }
        if (!sha256(chunk.value()).equals(hash)) {
          throw StorageException.internal(owner + " references corrupt chunk " + hash, null);
        }
        return chunk.value();
      }));
    }
    return Futures.all(parts).thenApply(all -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) chunked.size());
      all.forEach(out::writeBytes);
      if (out.size() != chunked.size()) {
        throw StorageException.internal(owner + " reassembled to " + out.size() + " bytes, not " + chunked.size(), null);
      }
      return out.toByteArray();
    });
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
