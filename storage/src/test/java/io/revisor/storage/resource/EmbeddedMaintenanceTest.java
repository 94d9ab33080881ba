package io.revisor.storage.resource;

import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMaintenanceTest extends AbstractMaintenanceContractTest {
  @TempDir Path directory;

  @Override
  protected KvStore newKvStore() {
    return EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(directory));
  }
}
