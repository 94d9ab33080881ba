package io.revisor.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the test kit finds the etcd binary, and that it fails (never skips) without one. */
class EtcdClusterTest {
  @TempDir Path empty;

  @Test
  void missingBinaryFailsWithAnInstallHint() {
    assertThatThrownBy(() -> EtcdCluster.findBinary(null, empty.toString(), empty.resolve("etcd")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("etcd binary was not found")
        .hasMessageContaining("apt-get install -y etcd-server");
  }

  @Test
  void configuredBinaryMustExist() {
    assertThatThrownBy(() -> EtcdCluster.findBinary(empty.resolve("nope").toString(), null, empty.resolve("etcd")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REVISOR_ETCD_BINARY");
  }

  @Test
  void binaryOnThePathIsFound() {
    assertThat(EtcdCluster.findBinary()).isNotNull();
  }
}
