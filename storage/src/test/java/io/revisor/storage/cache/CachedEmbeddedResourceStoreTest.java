package io.revisor.storage.cache;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.resource.AbstractResourceStoreContractTest;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The whole resource store contract, through the watch cache, on the embedded backend. */
class CachedEmbeddedResourceStoreTest extends AbstractResourceStoreContractTest {
  @TempDir static Path directory;

  @Override
  protected KvStore newKvStore() {
    return EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
  }

  @Override
  protected void restartBackend() {
    // in-process: reopening the directory is the whole restart
  }

  @Override
  protected ResourceStore wrap(ResourceStore store, ResourceStoreOptions options) {
    return CachedContract.wrap(store, options);
  }
}
