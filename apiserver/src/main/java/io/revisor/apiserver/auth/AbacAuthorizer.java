package io.revisor.apiserver.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.revisor.apiserver.json.Json;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * kube-apiserver's ABAC authorizer ({@code --authorization-mode=ABAC --authorization-policy-file=...}): the request
 * is allowed when one policy of the file matches it, otherwise this authorizer has no opinion ({@code No policy
 * matched.}); it never denies.
 *
 * <p>The file holds one JSON policy per line; blank lines and lines starting with {@code #} are skipped. A line is
 * either {@code {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{...}}} or kube's
 * unversioned (v0) form {@code {"user":...,"group":...,"readonly":...,"resource":...,"namespace":...}}, converted
 * the way kube converts it: an empty v0 namespace or resource means every one, every API group matches, and a v0
 * line without namespace and resource also matches every non-resource path.
 *
 * <p>Matching, as in kube: {@code user} equals the user name and {@code group} is one of the user's groups (a policy
 * with both needs both, a policy with neither matches nobody); {@code *} as user or group stands for the group
 * {@code system:authenticated}, so it never matches anonymous requests (name them with user {@code
 * system:anonymous} or group {@code system:unauthenticated}). {@code readonly} policies match only the verbs get,
 * list and watch. Resource requests need {@code namespace}, {@code resource} and {@code apiGroup} to be equal or
 * {@code *} (an omitted field is the empty string: the cluster scope, no resource, the core group); the resource is
 * compared without its subresource. Non-resource requests need {@code nonResourcePath} to be {@code *}, the path, or
 * a prefix of it followed by {@code *}.
 *
 * <p>Unlike kube, which ignores them, unknown fields are an error: a v1beta1 field written at the top level or in a
 * v0 line would otherwise be dropped silently and change what the policy grants.
 *
 * <p>Immutable and thread-safe; {@link #authorize} never blocks and returns a completed future.
 */
public final class AbacAuthorizer implements Authorizer {
  /** The apiVersion of current policy lines. */
  public static final String V1BETA1 = "abac.authorization.kubernetes.io/v1beta1";
  /** The apiVersion that the unversioned form may also state explicitly. */
  public static final String V0 = "abac.authorization.kubernetes.io/v0";
  /** The reason given with no opinion, kube's words. */
  public static final String NO_POLICY_MATCHED = "No policy matched.";

  private static final String KIND = "Policy";
  private static final Set<String> V0_FIELDS =
      Set.of("apiVersion", "kind", "user", "group", "readonly", "resource", "namespace");
  private static final Set<String> V1BETA1_FIELDS = Set.of("apiVersion", "kind", "spec");
  private static final Set<String> SPEC_FIELDS =
      Set.of("user", "group", "readonly", "apiGroup", "resource", "namespace", "nonResourcePath");

  private final List<Policy> policies;

  private AbacAuthorizer(List<Policy> policies) {
    this.policies = List.copyOf(policies);
  }

  /**
   * Reads a policy file. Lines end at {@code \n} (a trailing {@code \r} is dropped), as kube reads them.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException for a malformed line, with the message {@code <file>:<line>: <problem>}
   */
  public static AbacAuthorizer load(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    List<Policy> policies = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        policies.add(decode(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new AbacAuthorizer(policies);
  }

  /** How many policies the file held. */
  public int size() {
    return policies.size();
  }

  @Override
  public Future<Decision> authorize(AuthorizationAttributes attributes) {
    for (Policy policy : policies) {
      if (policy.matches(attributes)) {
        return Future.succeededFuture(Decision.ALLOW);
      }
    }
    return Future.succeededFuture(Decision.noOpinion(NO_POLICY_MATCHED));
  }

  private static Policy decode(String line) {
    JsonNode node;
    try {
      node = Json.parseStrict(line.getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("a policy must be a JSON object");
    }
    String apiVersion = string(node, "apiVersion", "");
    String kind = string(node, "kind", "");
    if (!apiVersion.isEmpty() && !apiVersion.equals(V1BETA1) && !apiVersion.equals(V0)) {
      throw new IllegalArgumentException(
          "unknown apiVersion \"" + apiVersion + "\" (expected " + V1BETA1 + ", or none for the unversioned form)");
    }
    if (!kind.isEmpty() && !kind.equals(KIND)) {
      throw new IllegalArgumentException("unknown kind \"" + kind + "\" (expected " + KIND + ")");
    }
    if (!apiVersion.equals(V1BETA1)) {
      // No apiVersion, or v0: kube falls back to the unversioned form, which tolerates a missing kind.
      checkFields(node, V0_FIELDS, "");
      return Policy.fromV0(string(node, "user", ""), string(node, "group", ""), bool(node, "readonly", ""),
          string(node, "resource", ""), string(node, "namespace", ""));
    }
    if (kind.isEmpty()) {
      // kube decodes a kind-less v1beta1 line as v0 and then fails to convert between the two versions.
      throw new IllegalArgumentException("kind is required with apiVersion " + V1BETA1);
    }
    checkFields(node, V1BETA1_FIELDS, "");
    JsonNode spec = node.path("spec");
    if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
      throw new IllegalArgumentException("\"spec\" must be an object");
    }
    if (spec.isObject()) {
      checkFields(spec, SPEC_FIELDS, "spec.");
    }
    return Policy.fromV1beta1(string(spec, "user", "spec."), string(spec, "group", "spec."),
        bool(spec, "readonly", "spec."), string(spec, "apiGroup", "spec."), string(spec, "resource", "spec."),
        string(spec, "namespace", "spec."), string(spec, "nonResourcePath", "spec."));
  }

  private static void checkFields(JsonNode object, Set<String> known, String prefix) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown field \"" + prefix + name + "\"");
      }
    }
  }

  /** A string field; absent and null are the empty string, as Go decodes them. */
  private static String string(JsonNode object, String name, String prefix) {
    JsonNode value = object.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("\"" + prefix + name + "\" must be a string");
    }
    return value.textValue();
  }

  /** A boolean field; absent and null are false, as Go decodes them. */
  private static boolean bool(JsonNode object, String name, String prefix) {
    JsonNode value = object.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException("\"" + prefix + name + "\" must be a boolean");
    }
    return value.booleanValue();
  }

  /** kube's internal policy: both file forms are converted to this one before matching. */
  private record Policy(String user, String group, boolean readonly, String apiGroup, String resource,
      String namespace, String nonResourcePath) {

    /** kube's v1beta1 conversion: {@code *} as user or group becomes the group of all authenticated users. */
    static Policy fromV1beta1(String user, String group, boolean readonly, String apiGroup, String resource,
        String namespace, String nonResourcePath) {
      if (user.equals("*") || group.equals("*")) {
        user = "";
        group = UserInfo.AUTHENTICATED;
      }
      return new Policy(user, group, readonly, apiGroup, resource, namespace, nonResourcePath);
    }

    /** kube's v0 conversion: empty fields are wildcards, every API group, paths when nothing narrows. */
    static Policy fromV0(String user, String group, boolean readonly, String resource, String namespace) {
      String outUser = user;
      String outGroup = group;
      if (user.isEmpty() && group.isEmpty()) {
        outGroup = UserInfo.AUTHENTICATED;
      }
      if (user.equals("*") || group.equals("*")) {
        outUser = "";
        outGroup = UserInfo.AUTHENTICATED;
      }
      return new Policy(outUser, outGroup, readonly, "*", resource.isEmpty() ? "*" : resource,
          namespace.isEmpty() ? "*" : namespace, resource.isEmpty() && namespace.isEmpty() ? "*" : "");
    }

    boolean matches(AuthorizationAttributes a) {
      // A request is either a resource or a non-resource request, so at most one of the two can hold.
      return subjectMatches(a.user()) && verbMatches(a.verb()) && (resourceMatches(a) || nonResourceMatches(a));
    }

    /** Neither user nor group: nobody. Conversion already replaced {@code *}, so both compare exactly. */
    private boolean subjectMatches(UserInfo who) {
      if (user.isEmpty() && group.isEmpty()) {
        return false;
      }
      return (user.isEmpty() || user.equals(who.name())) && (group.isEmpty() || who.groups().contains(group));
    }

    /**
     * kube's {@code IsReadOnly}: get, list and watch only. Not {@link AuthorizationAttributes#readOnly()}, which
     * also counts head: kube passes a non-resource HEAD as verb head, which readonly policies do not allow.
     */
    private boolean verbMatches(String verb) {
      return !readonly || verb.equals("get") || verb.equals("list") || verb.equals("watch");
    }

    private boolean resourceMatches(AuthorizationAttributes a) {
      return a.resourceRequest()
          && (namespace.equals("*") || namespace.equals(a.namespace()))
          && (resource.equals("*") || resource.equals(a.resource()))
          && (apiGroup.equals("*") || apiGroup.equals(a.group()));
    }

    private boolean nonResourceMatches(AuthorizationAttributes a) {
      if (a.resourceRequest()) {
        return false;
      }
      String path = a.path();
      if (nonResourcePath.equals("*") || nonResourcePath.equals(path)) {
        return true;
      }
      // A trailing * (kube trims every trailing *) matches any path with that prefix: "/logs/*" covers "/logs/".
      return nonResourcePath.endsWith("*") && path.startsWith(trimTrailingStars(nonResourcePath));
    }

    private static String trimTrailingStars(String s) {
      int end = s.length();
      while (end > 0 && s.charAt(end - 1) == '*') {
        end--;
      }
      return s.substring(0, end);
    }
  }
}
