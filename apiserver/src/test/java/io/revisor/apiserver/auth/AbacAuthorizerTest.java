package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.revisor.apiserver.auth.Authorizer.Decision;
import io.revisor.apiserver.auth.Authorizer.Verdict;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mirrors kube's abac_test.go: the v0 and v1beta1 tables, subject matching, single policies, loading. */
class AbacAuthorizerTest {
  private static final String V1 = "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Policy\",";

  private static final UserInfo SCHEDULER = UserInfo.authenticated("scheduler", "uid1", List.of());
  private static final UserInfo ALICE = UserInfo.authenticated("alice", "uid3", List.of());
  private static final UserInfo CHUCK = UserInfo.authenticated("chuck", "uid5", List.of());
  private static final UserInfo DEBBIE = UserInfo.authenticated("debbie", "uid6", List.of());
  private static final UserInfo NO_RESOURCE = UserInfo.authenticated("noresource", "uid7", List.of());
  private static final UserInfo API_GROUP_USER = UserInfo.authenticated("apigroupuser", "uid8", List.of());
  private static final UserInfo ANONYMOUS = UserInfo.anonymous();

  @TempDir Path dir;

  // --- kube's TestAuthorizeV0 ---

  private static final String V0_FILE = """
      {                    "readonly": true, "resource": "events"   }
      {"user":"scheduler", "readonly": true, "resource": "pods"     }
      {"user":"scheduler",                   "resource": "bindings" }
      {"user":"kubelet",   "readonly": true, "resource": "bindings" }
      {"user":"kubelet",                     "resource": "events"   }
      {"user":"alice",                                              "namespace": "projectCaribou"}
      {"user":"bob",       "readonly": true,                        "namespace": "projectCaribou"}
      """;

  static Stream<Arguments> v0() {
    return Stream.of(
        argumentSet("scheduler can list pods in a namespace", resource(SCHEDULER, "list", "", "pods", "ns1"), true),
        argumentSet("scheduler can list pods everywhere", resource(SCHEDULER, "list", "", "pods", ""), true),
        argumentSet("scheduler cannot create pods in a namespace", resource(SCHEDULER, "create", "", "pods", "ns1"),
            false),
        argumentSet("scheduler cannot create pods at the cluster scope", resource(SCHEDULER, "create", "", "pods", ""),
            false),
        argumentSet("scheduler can get bindings", resource(SCHEDULER, "get", "", "bindings", "ns1"), true),
        argumentSet("scheduler can get bindings at the cluster scope", resource(SCHEDULER, "get", "", "bindings", ""),
            true),
        argumentSet("alice gets pods in her namespace", resource(ALICE, "get", "", "pods", "projectCaribou"), true),
        argumentSet("alice gets widgets in her namespace", resource(ALICE, "get", "", "widgets", "projectCaribou"),
            true),
        argumentSet("alice gets no resource in her namespace", resource(ALICE, "get", "", "", "projectCaribou"), true),
        argumentSet("alice updates pods in her namespace", resource(ALICE, "update", "", "pods", "projectCaribou"),
            true),
        argumentSet("alice updates widgets in her namespace",
            resource(ALICE, "update", "", "widgets", "projectCaribou"), true),
        argumentSet("alice updates in her namespace", resource(ALICE, "update", "", "", "projectCaribou"), true),
        argumentSet("v0 matches every API group", resource(ALICE, "update", "bar", "foo", "projectCaribou"), true),
        argumentSet("alice cannot get pods elsewhere", resource(ALICE, "get", "", "pods", "ns1"), false),
        argumentSet("alice cannot get widgets elsewhere", resource(ALICE, "get", "", "widgets", "ns1"), false),
        argumentSet("alice cannot get elsewhere", resource(ALICE, "get", "", "", "ns1"), false),
        argumentSet("anyone authenticated reads events", resource(CHUCK, "get", "", "events", "ns1"), true),
        argumentSet("anyone authenticated reads events everywhere", resource(CHUCK, "get", "", "events", ""), true),
        argumentSet("chuck cannot update events", resource(CHUCK, "update", "", "events", "ns1"), false),
        argumentSet("chuck cannot get pods", resource(CHUCK, "get", "", "pods", "ns1"), false),
        argumentSet("chuck cannot get floop", resource(CHUCK, "get", "", "floop", "ns1"), false),
        argumentSet("chuck cannot get /", path(CHUCK, "get", "/"), false),
        argumentSet("the empty v0 line does not cover anonymous", resource(ANONYMOUS, "get", "", "events", "ns1"),
            false));
  }

  @ParameterizedTest
  @MethodSource("v0")
  void authorizesV0(AuthorizationAttributes attributes, boolean allowed) throws IOException {
    assertThat(allowed(write(V0_FILE), attributes)).isEqualTo(allowed);
  }

  // --- kube's TestAuthorizeV1beta1, plus subresources, anonymous requests and HEAD ---

  private static final String V1_FILE = """

      # Comment line, after a blank line
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*",         "readonly": true,                                                        "nonResourcePath": "/api"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*",                                                                                  "nonResourcePath": "/custom"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*",                                                                                  "nonResourcePath": "/root/*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"noresource",                                                                         "nonResourcePath": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*",         "readonly": true, "resource": "events",   "namespace": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"scheduler", "readonly": true, "resource": "pods",     "namespace": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"scheduler",                   "resource": "bindings", "namespace": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"kubelet",   "readonly": true, "resource": "bindings", "namespace": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"kubelet",                     "resource": "events",   "namespace": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice",                       "resource": "*",        "namespace": "projectCaribou"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"bob",       "readonly": true, "resource": "*",        "namespace": "projectCaribou"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"debbie",                      "resource": "pods",     "namespace": "projectCaribou"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"apigroupuser",                "resource": "*",        "namespace": "projectAnyGroup",   "apiGroup": "*"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"apigroupuser",                "resource": "*",        "namespace": "projectEmptyGroup", "apiGroup": "" }}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"apigroupuser",                "resource": "*",        "namespace": "projectXGroup",     "apiGroup": "x"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:unauthenticated", "readonly": true, "nonResourcePath": "/healthz"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"system:anonymous", "readonly": true, "resource": "configmaps", "namespace": "public"}}
      {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"debbie", "resource": "pods/status", "namespace": "*"}}""";

  static Stream<Arguments> v1beta1() {
    return Stream.of(
        argumentSet("scheduler can list pods in a namespace", resource(SCHEDULER, "list", "", "pods", "ns1"), true),
        argumentSet("scheduler can list pods everywhere", resource(SCHEDULER, "list", "", "pods", ""), true),
        argumentSet("scheduler cannot create pods in a namespace", resource(SCHEDULER, "create", "", "pods", "ns1"),
            false),
        argumentSet("scheduler cannot create pods at the cluster scope", resource(SCHEDULER, "create", "", "pods", ""),
            false),
        argumentSet("scheduler can get bindings", resource(SCHEDULER, "get", "", "bindings", "ns1"), true),
        argumentSet("scheduler can get bindings at the cluster scope", resource(SCHEDULER, "get", "", "bindings", ""),
            true),
        argumentSet("alice gets pods in her namespace", resource(ALICE, "get", "", "pods", "projectCaribou"), true),
        argumentSet("alice gets widgets in her namespace", resource(ALICE, "get", "", "widgets", "projectCaribou"),
            true),
        argumentSet("alice gets no resource in her namespace", resource(ALICE, "get", "", "", "projectCaribou"), true),
        argumentSet("alice updates pods in her namespace", resource(ALICE, "update", "", "pods", "projectCaribou"),
            true),
        argumentSet("alice updates widgets in her namespace",
            resource(ALICE, "update", "", "widgets", "projectCaribou"), true),
        argumentSet("alice updates in her namespace", resource(ALICE, "update", "", "", "projectCaribou"), true),
        argumentSet("an omitted apiGroup is the core group only",
            resource(ALICE, "update", "apps", "deployments", "projectCaribou"), false),
        argumentSet("alice cannot get pods elsewhere", resource(ALICE, "get", "", "pods", "ns1"), false),
        argumentSet("alice cannot get widgets elsewhere", resource(ALICE, "get", "", "widgets", "ns1"), false),
        argumentSet("alice cannot get elsewhere", resource(ALICE, "get", "", "", "ns1"), false),
        argumentSet("debbie updates pods in her namespace", resource(DEBBIE, "update", "", "pods", "projectCaribou"),
            true),
        argumentSet("anyone authenticated reads events", resource(CHUCK, "get", "", "events", "ns1"), true),
        argumentSet("anyone authenticated reads events everywhere", resource(CHUCK, "get", "", "events", ""), true),
        argumentSet("anyone authenticated watches events", resource(CHUCK, "watch", "", "events", "ns1"), true),
        argumentSet("chuck cannot update events", resource(CHUCK, "update", "", "events", "ns1"), false),
        argumentSet("chuck cannot get pods", resource(CHUCK, "get", "", "pods", "ns1"), false),
        argumentSet("chuck cannot get floop", resource(CHUCK, "get", "", "floop", "ns1"), false),
        argumentSet("chuck cannot get /", path(CHUCK, "get", "/"), false),
        argumentSet("chuck can get /api", path(CHUCK, "get", "/api"), true),
        argumentSet("chuck cannot post to /api", path(CHUCK, "create", "/api"), false),
        argumentSet("chuck can write /custom", path(CHUCK, "update", "/custom"), true),
        argumentSet("/root/* does not cover /root", path(CHUCK, "get", "/root"), false),
        argumentSet("/root/* covers /root/", path(CHUCK, "get", "/root/"), true),
        argumentSet("/root/* covers deeper paths", path(CHUCK, "get", "/root/test/1/2/3"), true),
        argumentSet("/root/* is not a prefix of /rootless", path(CHUCK, "get", "/rootless"), false),
        argumentSet("nonResourcePath * covers the empty path", path(NO_RESOURCE, "get", ""), true),
        argumentSet("nonResourcePath * covers /", path(NO_RESOURCE, "get", "/"), true),
        argumentSet("nonResourcePath * covers any path", path(NO_RESOURCE, "get", "/foo/bar/baz"), true),
        argumentSet("nonResourcePath * covers no namespaced request", resource(NO_RESOURCE, "get", "", "", "bar"),
            false),
        argumentSet("nonResourcePath * covers no resource", resource(NO_RESOURCE, "get", "", "foo", "bar"), false),
        argumentSet("apiGroup * covers group x", resource(API_GROUP_USER, "get", "x", "foo", "projectAnyGroup"), true),
        argumentSet("apiGroup \"\" does not cover group x",
            resource(API_GROUP_USER, "get", "x", "foo", "projectEmptyGroup"), false),
        argumentSet("apiGroup \"\" covers the core group",
            resource(API_GROUP_USER, "get", "", "foo", "projectEmptyGroup"), true),
        argumentSet("apiGroup x covers group x", resource(API_GROUP_USER, "get", "x", "foo", "projectXGroup"), true),
        argumentSet("apiGroup x does not cover group y", resource(API_GROUP_USER, "get", "y", "foo", "projectXGroup"),
            false),
        argumentSet("pods covers pods/status", subresource(DEBBIE, "update", "pods", "status", "projectCaribou"),
            true),
        argumentSet("pods covers pods/log", subresource(DEBBIE, "get", "pods", "log", "projectCaribou"), true),
        argumentSet("a pods/status policy never matches: resources are compared without subresource",
            subresource(DEBBIE, "update", "pods", "status", "ns1"), false),
        argumentSet("a readonly pods policy covers reading pods/log",
            subresource(SCHEDULER, "get", "pods", "log", "ns1"), true),
        argumentSet("a readonly pods policy does not cover pods/eviction",
            subresource(SCHEDULER, "create", "pods", "eviction", "ns1"), false),
        argumentSet("user * does not cover anonymous", path(ANONYMOUS, "get", "/api"), false),
        argumentSet("user * does not cover anonymous events", resource(ANONYMOUS, "get", "", "events", "ns1"), false),
        argumentSet("group system:unauthenticated covers anonymous", path(ANONYMOUS, "get", "/healthz"), true),
        argumentSet("group system:unauthenticated covers no authenticated user", path(CHUCK, "get", "/healthz"),
            false),
        argumentSet("user system:anonymous covers anonymous", resource(ANONYMOUS, "list", "", "configmaps", "public"),
            true),
        argumentSet("readonly: HEAD is not a read verb", path(ANONYMOUS, "head", "/healthz"), false),
        argumentSet("readonly: HEAD on /api is not a read verb", path(CHUCK, "head", "/api"), false));
  }

  @ParameterizedTest
  @MethodSource("v1beta1")
  void authorizesV1beta1(AuthorizationAttributes attributes, boolean allowed) throws IOException {
    assertThat(allowed(write(V1_FILE), attributes)).isEqualTo(allowed);
  }

  // --- kube's TestSubjectMatches: one policy line, asked about a path every subject-matching policy covers ---

  private static final UserInfo UNAUTHENTICATED =
      new UserInfo("system:anonymous", "", List.of("system:unauthenticated"), Map.of());

  private static UserInfo user(String name, String... groups) {
    return UserInfo.authenticated(name, "", List.of(groups));
  }

  static Stream<Arguments> subjects() {
    return Stream.of(
        argumentSet("v0 empty policy does not match unauthed user", "v0", "", UNAUTHENTICATED, false),
        argumentSet("v0 * user policy does not match unauthed user", "v0", "\"user\":\"*\"", UNAUTHENTICATED, false),
        argumentSet("v0 * group policy does not match unauthed user", "v0", "\"group\":\"*\"", UNAUTHENTICATED, false),
        argumentSet("v0 empty policy matches authed user", "v0", "", user("Foo"), true),
        argumentSet("v0 empty policy matches authed user with groups", "v0", "", user("Foo", "a", "b"), true),
        argumentSet("v0 user policy does not match unauthed user", "v0", "\"user\":\"Foo\"", UNAUTHENTICATED, false),
        argumentSet("v0 user policy does not match different user", "v0", "\"user\":\"Foo\"", user("Bar"), false),
        argumentSet("v0 user policy is case-sensitive", "v0", "\"user\":\"Foo\"", user("foo"), false),
        argumentSet("v0 user policy does not match substring", "v0", "\"user\":\"Foo\"", user("FooBar"), false),
        argumentSet("v0 user policy matches username", "v0", "\"user\":\"Foo\"", user("Foo"), true),
        argumentSet("v0 group policy does not match unauthed user", "v0", "\"group\":\"Foo\"", UNAUTHENTICATED, false),
        argumentSet("v0 group policy does not match user in different group", "v0", "\"group\":\"A\"",
            user("FooBar", "B"), false),
        argumentSet("v0 group policy is case-sensitive", "v0", "\"group\":\"b\"", user("Foo", "A", "B", "C"), false),
        argumentSet("v0 group policy does not match substring", "v0", "\"group\":\"B\"", user("Foo", "A", "BBB", "C"),
            false),
        argumentSet("v0 group policy matches user in group", "v0", "\"group\":\"B\"", user("Foo", "A", "B", "C"), true),
        argumentSet("v0 user and group policy requires user match", "v0", "\"user\":\"Foo\",\"group\":\"B\"",
            user("Bar", "A", "B", "C"), false),
        argumentSet("v0 user and group policy requires group match", "v0", "\"user\":\"Foo\",\"group\":\"D\"",
            user("Foo", "A", "B", "C"), false),
        argumentSet("v0 user and group policy matches", "v0", "\"user\":\"Foo\",\"group\":\"B\"",
            user("Foo", "A", "B", "C"), true),
        argumentSet("v1 empty policy does not match unauthed user", "v1", "", UNAUTHENTICATED, false),
        argumentSet("v1 * user policy does not match unauthed user", "v1", "\"user\":\"*\"", UNAUTHENTICATED, false),
        argumentSet("v1 * group policy does not match unauthed user", "v1", "\"group\":\"*\"", UNAUTHENTICATED, false),
        argumentSet("v1 empty policy does not match authed user", "v1", "", user("Foo"), false),
        argumentSet("v1 empty policy does not match authed user with groups", "v1", "", user("Foo", "a", "b"), false),
        argumentSet("v1 user policy does not match unauthed user", "v1", "\"user\":\"Foo\"", UNAUTHENTICATED, false),
        argumentSet("v1 user policy does not match different user", "v1", "\"user\":\"Foo\"", user("Bar"), false),
        argumentSet("v1 user policy is case-sensitive", "v1", "\"user\":\"Foo\"", user("foo"), false),
        argumentSet("v1 user policy does not match substring", "v1", "\"user\":\"Foo\"", user("FooBar"), false),
        argumentSet("v1 user policy matches username", "v1", "\"user\":\"Foo\"", user("Foo"), true),
        argumentSet("v1 group policy does not match unauthed user", "v1", "\"group\":\"Foo\"", UNAUTHENTICATED, false),
        argumentSet("v1 group policy does not match user in different group", "v1", "\"group\":\"A\"",
            user("FooBar", "B"), false),
        argumentSet("v1 group policy is case-sensitive", "v1", "\"group\":\"b\"", user("Foo", "A", "B", "C"), false),
        argumentSet("v1 group policy does not match substring", "v1", "\"group\":\"B\"", user("Foo", "A", "BBB", "C"),
            false),
        argumentSet("v1 group policy matches user in group", "v1", "\"group\":\"B\"", user("Foo", "A", "B", "C"), true),
        argumentSet("v1 user and group policy requires user match", "v1", "\"user\":\"Foo\",\"group\":\"B\"",
            user("Bar", "A", "B", "C"), false),
        argumentSet("v1 user and group policy requires group match", "v1", "\"user\":\"Foo\",\"group\":\"D\"",
            user("Foo", "A", "B", "C"), false),
        argumentSet("v1 user and group policy matches", "v1", "\"user\":\"Foo\",\"group\":\"B\"",
            user("Foo", "A", "B", "C"), true),
        // Beyond kube's table: what its conversion of * implies.
        argumentSet("v1 * user matches any authenticated user", "v1", "\"user\":\"*\"", user("Foo"), true),
        argumentSet("v1 user system:anonymous matches anonymous", "v1", "\"user\":\"system:anonymous\"",
            UNAUTHENTICATED, true),
        argumentSet("v1 group system:authenticated does not match anonymous", "v1",
            "\"group\":\"system:authenticated\"", UNAUTHENTICATED, false),
        argumentSet("v1 * user drops the group: any authenticated user", "v1", "\"user\":\"*\",\"group\":\"admins\"",
            user("Foo"), true),
        argumentSet("v1 * group drops the user: any authenticated user", "v1", "\"user\":\"alice\",\"group\":\"*\"",
            user("Foo"), true),
        argumentSet("v1 * covers only users that carry system:authenticated", "v1", "\"user\":\"*\"",
            new UserInfo("Foo", "", List.of("A"), Map.of()), false));
  }

  @ParameterizedTest
  @MethodSource("subjects")
  void matchesSubjects(String version, String subject, UserInfo user, boolean matches) throws IOException {
    String line = version.equals("v0")
        ? "{" + subject + "}"
        : V1 + "\"spec\":{" + subject + (subject.isEmpty() ? "" : ",") + "\"nonResourcePath\":\"*\"}}";
    assertThat(allowed(write(line), AuthorizationAttributes.nonResource(user, "get", "/version"))).isEqualTo(matches);
  }

  // --- kube's TestPolicy: one policy, one request ---

  private static final UserInfo FOO = user("foo");

  static Stream<Arguments> policies() {
    return Stream.of(
        argumentSet("v0 read-only mismatch", "{\"readonly\":true}", path(FOO, "create", ""), false),
        argumentSet("v0 user name mis-match", "{\"user\":\"foo\"}", path(user("bar"), "", ""), false),
        argumentSet("v0 resource mis-match", "{\"resource\":\"foo\"}", resource(FOO, "", "", "bar", ""), false),
        argumentSet("v0 user, resource and namespace match",
            "{\"user\":\"foo\",\"resource\":\"foo\",\"namespace\":\"foo\"}", resource(FOO, "", "", "foo", "foo"),
            true),
        argumentSet("v0 null resource", "{}", resource(FOO, "", "", "", ""), true),
        argumentSet("v0 read-only match", "{\"readonly\":true}", path(FOO, "get", ""), true),
        argumentSet("v0 user name match", "{\"user\":\"foo\"}", path(FOO, "", ""), true),
        argumentSet("v0 resource match", "{\"resource\":\"foo\"}", resource(FOO, "", "", "foo", ""), true),
        argumentSet("v0 with a namespace covers no path", "{\"namespace\":\"foo\"}", path(FOO, "get", "/api"), false),
        argumentSet("v0 with a resource covers no path", "{\"resource\":\"foo\"}", path(FOO, "get", "/api"), false),
        argumentSet("v1 null", V1 + "\"spec\":{}}", resource(FOO, "", "", "", ""), false),
        argumentSet("v1 without spec", V1.substring(0, V1.length() - 1) + "}", resource(FOO, "", "", "", ""), false),
        argumentSet("v1 user name mis-match", V1 + "\"spec\":{\"user\":\"foo\"}}",
            resource(user("bar"), "", "", "", ""), false),
        argumentSet("v1 read-only mismatch", V1 + "\"spec\":{\"user\":\"*\",\"readonly\":true}}",
            resource(FOO, "", "", "", ""), false),
        argumentSet("v1 resource mis-match", V1 + "\"spec\":{\"user\":\"*\",\"resource\":\"foo\"}}",
            resource(FOO, "", "", "bar", ""), false),
        argumentSet("v1 namespace mis-match",
            V1 + "\"spec\":{\"user\":\"foo\",\"namespace\":\"barr\",\"resource\":\"baz\"}}",
            resource(FOO, "", "", "baz", "bar"), false),
        argumentSet("v1 omitted namespace is the cluster scope only",
            V1 + "\"spec\":{\"user\":\"foo\",\"resource\":\"baz\"}}", resource(FOO, "", "", "baz", "bar"), false),
        argumentSet("v1 non-resource mis-match", V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"/api\"}}",
            path(FOO, "", "/api2"), false),
        argumentSet("v1 non-resource wildcard subpath mis-match",
            V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"/api/*\"}}", path(FOO, "", "/api2/foo"), false),
        argumentSet("v1 user match", V1 + "\"spec\":{\"user\":\"foo\"}}", resource(FOO, "", "", "", ""), true),
        argumentSet("v1 user wildcard match", V1 + "\"spec\":{\"user\":\"*\"}}", resource(FOO, "", "", "", ""), true),
        argumentSet("v1 group match", V1 + "\"spec\":{\"group\":\"bar\"}}",
            resource(user("foo", "bar"), "", "", "", ""), true),
        argumentSet("v1 group wildcard match", V1 + "\"spec\":{\"group\":\"*\"}}",
            resource(user("foo", "bar"), "", "", "", ""), true),
        argumentSet("v1 read-only match", V1 + "\"spec\":{\"user\":\"*\",\"readonly\":true}}",
            resource(FOO, "get", "", "", ""), true),
        argumentSet("v1 resource match", V1 + "\"spec\":{\"user\":\"*\",\"resource\":\"foo\"}}",
            resource(FOO, "", "", "foo", ""), true),
        argumentSet("v1 namespace match",
            V1 + "\"spec\":{\"user\":\"foo\",\"namespace\":\"bar\",\"resource\":\"baz\"}}",
            resource(FOO, "", "", "baz", "bar"), true),
        argumentSet("v1 non-resource match", V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"/api\"}}",
            path(FOO, "", "/api"), true),
        argumentSet("v1 non-resource wildcard match", V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"*\"}}",
            path(FOO, "", "/api"), true),
        argumentSet("v1 non-resource wildcard subpath match",
            V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"/api/*\"}}", path(FOO, "", "/api/foo"), true),
        argumentSet("v1 trailing * without slash is a plain prefix",
            V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"/api*\"}}", path(FOO, "", "/apis/x"), true),
        argumentSet("v1 a path policy covers no resource",
            V1 + "\"spec\":{\"user\":\"*\",\"nonResourcePath\":\"*\"}}", resource(FOO, "get", "", "pods", "ns"), false),
        argumentSet("v1 a resource policy covers no path",
            V1 + "\"spec\":{\"user\":\"*\",\"namespace\":\"*\",\"resource\":\"*\",\"apiGroup\":\"*\"}}",
            path(FOO, "get", "/api"), false),
        argumentSet("v1 explicit v0 apiVersion is the unversioned form",
            "{\"apiVersion\":\"abac.authorization.kubernetes.io/v0\",\"kind\":\"Policy\",\"user\":\"foo\"}",
            path(FOO, "get", "/api"), true),
        argumentSet("v0 apiVersion without kind", "{\"apiVersion\":\"abac.authorization.kubernetes.io/v0\"}",
            path(FOO, "get", "/api"), true),
        argumentSet("kind without apiVersion is the unversioned form", "{\"kind\":\"Policy\",\"user\":\"foo\"}",
            path(FOO, "get", "/api"), true),
        argumentSet("null fields are absent ones",
            V1 + "\"spec\":{\"user\":\"foo\",\"group\":null,\"readonly\":null,\"nonResourcePath\":\"*\"}}",
            path(FOO, "post", "/api"), true),
        argumentSet("the object name is not looked at", V1 + "\"spec\":{\"user\":\"foo\",\"resource\":\"pods\"}}",
            AuthorizationAttributes.resource(FOO, "get", "", "v1", "pods", "", "", "only-this-one", "/api/v1/pods"),
            true));
  }

  @ParameterizedTest
  @MethodSource("policies")
  void matchesPolicies(String line, AuthorizationAttributes attributes, boolean matches) throws IOException {
    assertThat(allowed(write(line), attributes)).isEqualTo(matches);
  }

  // --- decisions ---

  @Test
  void allowsWithoutReasonAndOtherwiseHasNoOpinion() throws IOException {
    AbacAuthorizer authorizer = AbacAuthorizer.load(write(V1_FILE));

    Future<Decision> allowed = authorizer.authorize(path(CHUCK, "get", "/api"));
    Future<Decision> other = authorizer.authorize(path(CHUCK, "get", "/"));

    assertThat(allowed.isComplete()).isTrue();
    assertThat(allowed.result()).isEqualTo(Decision.ALLOW);
    assertThat(other.isComplete()).isTrue();
    assertThat(other.result()).isEqualTo(new Decision(Verdict.NO_OPINION, "No policy matched."));
  }

  @Test
  void anEmptyFileMatchesNothing() throws IOException {
    AbacAuthorizer authorizer = AbacAuthorizer.load(write(""));

    assertThat(authorizer.size()).isZero();
    assertThat(authorizer.authorize(path(CHUCK, "get", "/")).result().verdict()).isEqualTo(Verdict.NO_OPINION);
  }

  // --- loading ---

  @Test
  void loadsKubesExampleFile() throws IOException {
    String example = """
        {"user":"admin"}
        {"user":"scheduler", "readonly": true, "resource": "pods"}
        {"user":"scheduler", "resource": "bindings"}
        {"user":"kubelet",  "readonly": true, "resource": "pods"}
        {"user":"kubelet",  "readonly": true, "resource": "services"}
        {"user":"kubelet",  "readonly": true, "resource": "endpoints"}
        {"user":"kubelet", "resource": "events"}
        {"user":"alice", "namespace": "projectCaribou"}
        {"user":"bob", "readonly": true, "namespace": "projectCaribou"}
        """;

    assertThat(AbacAuthorizer.load(write(example)).size()).isEqualTo(9);
  }

  @Test
  void behavesAsTheDocumentedExampleSays() throws IOException {
    AbacAuthorizer authorizer = AbacAuthorizer.load(write("""
        # everyone authenticated may read every path (discovery, /version) and the events
        {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*","readonly":true,"nonResourcePath":"*"}}
        {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"*","readonly":true,"apiGroup":"*","resource":"events","namespace":"*"}}
        {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","apiGroup":"example.com","resource":"*","namespace":"team-a"}}
        {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"ops","apiGroup":"*","resource":"*","namespace":"*"}}
        {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:unauthenticated","readonly":true,"nonResourcePath":"/healthz"}}
        """));
    UserInfo alice = user("alice");
    UserInfo ops = user("olga", "ops");

    assertThat(allowed(authorizer, path(CHUCK, "get", "/apis/example.com/v1"))).isTrue();
    assertThat(allowed(authorizer, path(CHUCK, "post", "/apis/example.com/v1"))).isFalse();
    assertThat(allowed(authorizer, resource(CHUCK, "list", "events.k8s.io", "events", "team-b"))).isTrue();
    assertThat(allowed(authorizer, resource(alice, "create", "example.com", "widgets", "team-a"))).isTrue();
    assertThat(allowed(authorizer, resource(alice, "create", "example.com", "widgets", "team-b"))).isFalse();
    assertThat(allowed(authorizer, resource(alice, "create", "", "configmaps", "team-a"))).isFalse();
    assertThat(allowed(authorizer, resource(ops, "delete", "example.com", "widgets", ""))).isTrue();
    assertThat(allowed(authorizer, path(ops, "delete", "/apis/example.com/v1"))).isFalse();
    assertThat(allowed(authorizer, path(ANONYMOUS, "get", "/healthz"))).isTrue();
    assertThat(allowed(authorizer, path(ANONYMOUS, "get", "/apis"))).isFalse();
  }

  @Test
  void skipsBlankAndCommentLinesAndAcceptsCrlfAndNoFinalNewline() throws IOException {
    String text = "\r\n   # a comment\r\n\t\r\n" + V1 + "\"spec\":{\"user\":\"alice\",\"nonResourcePath\":\"*\"}}\r\n"
        + "  {\"user\":\"bob\"}";

    AbacAuthorizer authorizer = AbacAuthorizer.load(write(text));

    assertThat(authorizer.size()).isEqualTo(2);
    assertThat(allowed(authorizer, path(user("bob"), "delete", "/x"))).isTrue();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        argumentSet("broken JSON", "{\"user\":", "invalid JSON: "),
        argumentSet("data after the object", "{\"user\":\"a\"} {}", "invalid JSON: "),
        argumentSet("a duplicate field", "{\"user\":\"a\",\"user\":\"b\"}", "invalid JSON: Duplicate field 'user'"),
        argumentSet("not an object", "[]", "a policy must be a JSON object"),
        argumentSet("a v1beta1 field at the top level", V1 + "\"user\":\"alice\"}", "unknown field \"user\""),
        argumentSet("an unknown spec field", V1 + "\"spec\":{\"user\":\"alice\",\"verb\":\"get\"}}",
            "unknown field \"spec.verb\""),
        argumentSet("a v1beta1 field in the unversioned form", "{\"user\":\"alice\",\"nonResourcePath\":\"/healthz\"}",
            "unknown field \"nonResourcePath\""),
        argumentSet("spec in the unversioned form", "{\"spec\":{\"user\":\"alice\"}}", "unknown field \"spec\""),
        argumentSet("metadata", V1 + "\"metadata\":{},\"spec\":{}}", "unknown field \"metadata\""),
        argumentSet("an unknown apiVersion",
            "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1\",\"kind\":\"Policy\"}",
            "unknown apiVersion \"abac.authorization.kubernetes.io/v1\""),
        argumentSet("an unknown kind",
            "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Rule\"}",
            "unknown kind \"Rule\""),
        argumentSet("an unknown kind without apiVersion", "{\"kind\":\"Rule\",\"user\":\"a\"}",
            "unknown kind \"Rule\""),
        argumentSet("v1beta1 without kind", "{\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"spec\":{}}",
            "kind is required"),
        argumentSet("a spec that is not an object", V1 + "\"spec\":\"alice\"}", "\"spec\" must be an object"),
        argumentSet("a number as user", V1 + "\"spec\":{\"user\":7}}", "\"spec.user\" must be a string"),
        argumentSet("a string as readonly", "{\"user\":\"a\",\"readonly\":\"true\"}", "\"readonly\" must be a boolean"),
        argumentSet("a number as apiVersion", "{\"apiVersion\":1}", "\"apiVersion\" must be a string"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void rejectsMalformedLinesWithTheirNumber(String line, String problem) throws IOException {
    Path file = write("# policies\n{\"user\":\"admin\"}\n\n" + line + "\n{\"user\":\"bob\"}\n");

    assertThatThrownBy(() -> AbacAuthorizer.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ":4: " + problem);
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThatThrownBy(() -> AbacAuthorizer.load(dir.resolve("absent.jsonl"))).isInstanceOf(NoSuchFileException.class);
  }

  // --- helpers ---

  private Path write(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "policy", ".jsonl"), text, StandardCharsets.UTF_8);
  }

  private static boolean allowed(Path file, AuthorizationAttributes attributes) throws IOException {
    return allowed(AbacAuthorizer.load(file), attributes);
  }

  private static boolean allowed(AbacAuthorizer authorizer, AuthorizationAttributes attributes) {
    Future<Decision> decision = authorizer.authorize(attributes);
    assertThat(decision.isComplete()).isTrue();
    return decision.result().verdict() == Verdict.ALLOW;
  }

  private static AuthorizationAttributes resource(UserInfo user, String verb, String group, String resource,
      String namespace) {
    return AuthorizationAttributes.resource(user, verb, group, "v1", resource, "", namespace, "", "");
  }

  private static AuthorizationAttributes subresource(UserInfo user, String verb, String resource, String subresource,
      String namespace) {
    return AuthorizationAttributes.resource(user, verb, "", "v1", resource, subresource, namespace, "x", "");
  }

  private static AuthorizationAttributes path(UserInfo user, String verb, String path) {
    return AuthorizationAttributes.nonResource(user, verb, path);
  }
}
