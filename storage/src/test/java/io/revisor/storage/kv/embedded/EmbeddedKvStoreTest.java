package io.revisor.storage.kv.embedded;

import io.revisor.storage.kv.AbstractKvStoreContractTest;
import io.revisor.storage.kv.KvStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The KV contract against the embedded store, one fresh directory per test. */
class EmbeddedKvStoreTest extends AbstractKvStoreContractTest {
  @TempDir Path directory;

  @Override
  protected KvStore newStore() {
    return EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
  }

  @Override
  protected void restartBackend() {
    // in-process: closing the store and opening a new one on the same directory is the whole restart
  }
}
