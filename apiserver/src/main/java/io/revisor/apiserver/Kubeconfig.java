package io.revisor.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.revisor.apiserver.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** Writes a kubeconfig that points kubectl at this server. */
final class Kubeconfig {
  static final String NAME = "revisor";

  private Kubeconfig() {}

  /** Writes (atomically, owner-only) a kubeconfig with one cluster, user and context named {@code revisor}. */
  static void write(Path path, String server, byte[] caPem, String token) throws IOException {
    ObjectNode config = Json.object();
    config.put("apiVersion", "v1").put("kind", "Config").put("current-context", NAME);
    ObjectNode cluster = config.putArray("clusters").addObject().put("name", NAME).putObject("cluster");
    cluster.put("server", server).put("certificate-authority-data", Base64.getEncoder().encodeToString(caPem));
    ObjectNode user = config.putArray("users").addObject().put("name", NAME).putObject("user");
    if (token != null) {
      user.put("token", token);
    }
    config.putArray("contexts").addObject().put("name", NAME).putObject("context")
        .put("cluster", NAME).put("user", NAME).put("namespace", "default");
    Path absolute = path.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path temp = Files.createTempFile(absolute.getParent(), ".kubeconfig", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(temp, Json.YAML.writeValueAsBytes(config));
    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
