package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.apiserver.testing.ApiClient;
import io.revisor.apiserver.testing.ApiClient.Response;
import io.revisor.apiserver.testing.RevisorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone authorization, with no cluster: AlwaysAllow for authenticated users, and an ABAC policy file. The test
 * server's token file has admin (system:masters) and alice (developers).
 */
class StandaloneAuthorizationTest {
  static final String GV = "/apis/demo.revisor.io/v1";

  @TempDir
  Path dir;

  static String folder(String name) {
    return "{\"apiVersion\":\"demo.revisor.io/v1\",\"kind\":\"Folder\",\"metadata\":{\"name\":\"" + name
        + "\"},\"spec\":{\"displayName\":\"F\"}}";
  }

  @Test
  void alwaysAllowLetsEveryAuthenticatedUserDoEverythingAndAnonymousOnlyReachHealth() {
    try (RevisorServer server = RevisorServer.embedded()) {
      ApiClient alice = server.client(RevisorServer.USER_TOKEN);
      assertThat(alice.post(GV + "/namespaces/a/folders", folder("f")).code()).isEqualTo(201);
      assertThat(alice.get("/metrics").code()).isEqualTo(200);
      ApiClient anonymous = server.client(null);
      assertThat(anonymous.get("/readyz").code()).isEqualTo(200);
      Response denied = anonymous.get(GV + "/namespaces/a/folders");
      assertThat(denied.code()).isEqualTo(403);
      assertThat(denied.json().path("message").asText()).isEqualTo("folders.demo.revisor.io is forbidden: User "
          + "\"system:anonymous\" cannot list resource \"folders\" in API group \"demo.revisor.io\" in the namespace \"a\"");
      assertThat(server.client("wrong-token").get("/readyz").code()).as("a bad credential is 401, even for health")
          .isEqualTo(401);
    }
  }

  @Test
  void anonymousAuthOffMakesRequestsWithoutCredentials401() {
    try (RevisorServer server = RevisorServer.embedded("--anonymous-auth=false")) {
      assertThat(server.client(null).get("/readyz").code()).isEqualTo(401);
      assertThat(server.client(null).get("/apis").code()).isEqualTo(401);
    }
  }

  @Test
  void abacPolicyFile() throws Exception {
    Path policy = dir.resolve("policy.jsonl");
    Files.writeString(policy, String.join("\n",
        "# alice reads team-a; developers write folders in team-b; everyone authenticated may read paths",
        line("\"user\":\"alice\",\"readonly\":true,\"apiGroup\":\"demo.revisor.io\",\"resource\":\"*\",\"namespace\":\"team-a\""),
        line("\"group\":\"developers\",\"apiGroup\":\"demo.revisor.io\",\"resource\":\"folders\",\"namespace\":\"team-b\""),
        line("\"user\":\"*\",\"readonly\":true,\"nonResourcePath\":\"*\""),
        ""));
    try (RevisorServer server = RevisorServer.embedded("--authorization-mode=ABAC", "--authorization-policy-file=" + policy)) {
      ApiClient alice = server.client(RevisorServer.USER_TOKEN);
      ApiClient admin = server.admin();
      assertThat(admin.post(GV + "/namespaces/team-a/folders", folder("shared")).code()).isEqualTo(201);

      assertThat(alice.get(GV + "/namespaces/team-a/folders/shared").code()).isEqualTo(200);
      assertThat(alice.get(GV + "/namespaces/team-a/folders").code()).isEqualTo(200);
      Response write = alice.post(GV + "/namespaces/team-a/folders", folder("mine"));
      assertThat(write.code()).isEqualTo(403);
      assertThat(write.json().path("message").asText()).isEqualTo("folders.demo.revisor.io is forbidden: User "
          + "\"alice\" cannot create resource \"folders\" in API group \"demo.revisor.io\" in the namespace \"team-a\": "
          + "No policy matched.");
      assertThat(alice.post(GV + "/namespaces/team-b/folders", folder("mine")).code()).isEqualTo(201);
      assertThat(alice.post(GV + "/namespaces/team-b/dashboards", "{}").code()).isEqualTo(403);
      assertThat(alice.get(GV + "/folders").code()).as("all namespaces needs a cluster-wide rule").isEqualTo(403);
      assertThat(alice.get(GV + "/organizations").code()).isEqualTo(403);
      assertThat(alice.get("/apis").code()).isEqualTo(200);
      assertThat(alice.get("/openapi/v3").code()).isEqualTo(200);
      assertThat(server.client(null).get("/apis").code()).as("* is not anonymous").isEqualTo(403);
      assertThat(server.client(null).get("/livez").code()).isEqualTo(200);
      assertThat(admin.get(GV + "/namespaces/team-a/folders/mine").code()).as("the refused create stored nothing")
          .isEqualTo(404);
    }
  }

  private static String line(String spec) {
    return "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Policy\",\"spec\":{" + spec + "}}";
  }
}
