package io.revisor.bench.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevisorServerTest {
  @Test
  void readsTheTotalOfAClassHistogram() {
    String histogram = String.join("\n",
        "12345:",
        " num     #instances         #bytes  class name (module)",
        "-------------------------------------------------------",
        "   1:         36915        3221880  [B (java.base@17.0.15)",
        "   2:          9123         218952  java.lang.String (java.base@17.0.15)",
        "Total        114592        8771336");
    assertThat(RevisorServer.histogramTotal(histogram)).isEqualTo(8_771_336L);
    assertThatThrownBy(() -> RevisorServer.histogramTotal("nothing")).hasMessageContaining("no Total line");
  }

  @Test
  void findsEtcdOnThePathOrWhereConfigured(@TempDir Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path etcd = Files.createFile(bin.resolve("etcd"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    assertThat(EtcdServer.binary(null, dir + ":" + bin)).isEqualTo(etcd);
    assertThat(EtcdServer.binary(etcd.toString(), "")).isEqualTo(etcd);
    assertThatThrownBy(() -> EtcdServer.binary(null, dir.toString()))
        .hasMessageContaining("no etcd binary").hasMessageContaining("REVISOR_ETCD_BINARY");
    assertThatThrownBy(() -> EtcdServer.binary(dir.resolve("nope").toString(), ""))
        .hasMessageContaining("is not an executable file");
  }
}
