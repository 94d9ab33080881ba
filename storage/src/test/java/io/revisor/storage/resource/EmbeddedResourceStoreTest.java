package io.revisor.storage.resource;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The resource store contract on the embedded KV backend: one directory for the whole class. */
class EmbeddedResourceStoreTest extends AbstractResourceStoreContractTest {
  @TempDir static Path directory;

  @Override
  protected KvStore newKvStore() {
    return EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
  }

  @Override
  protected void restartBackend() {
    // in-process: the suite closed the store; newKvStore() reopens the same directory, which is the whole restart
  }
}
