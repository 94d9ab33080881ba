package io.revisor.bench.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdServerTest {
  @Test
  void findsEtcdOnThePathOrWhereConfigured(@TempDir Path dir) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path etcd = Files.createFile(bin.resolve("etcd"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Path etcd35 = Files.createFile(bin.resolve("etcd-3.5"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    assertThat(EtcdServer.binary(null, dir + ":" + bin)).isEqualTo(etcd);
    assertThat(EtcdServer.binary(etcd.toString(), "")).isEqualTo(etcd);
    assertThat(EtcdServer.binary("etcd-3.5", dir + ":" + bin)).isEqualTo(etcd35);
    assertThatThrownBy(() -> EtcdServer.binary(null, dir.toString()))
        .hasMessageContaining("no etcd binary").hasMessageContaining("REVISOR_ETCD_BINARY");
    assertThatThrownBy(() -> EtcdServer.binary(dir.resolve("nope").toString(), ""))
        .hasMessageContaining("is not an executable file");
    assertThatThrownBy(() -> EtcdServer.binary("etcd-3.5", dir.toString()))
        .hasMessageContaining("REVISOR_ETCD_BINARY=etcd-3.5").hasMessageContaining("PATH");
  }
}
