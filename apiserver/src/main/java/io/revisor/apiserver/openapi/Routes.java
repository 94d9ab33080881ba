package io.revisor.apiserver.openapi;

import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ServedVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP operations of one custom resource at one version, described once and rendered by {@link Documents} into
 * both OpenAPI dialects. The set, the operation ids, descriptions, actions, parameters and responses follow
 * apiextensions-apiserver's OpenAPI builder (which mirrors what kube-apiserver installs for built-in kinds):
 *
 * <ul>
 *   <li>namespaced kinds: {@code GET /apis/g/v/plural} (list across namespaces), then under {@code
 *       /apis/g/v/namespaces/{namespace}/plural}; cluster-scoped kinds directly under {@code /apis/g/v/plural};
 *   <li>collection: list, create, deletecollection; item: read, replace, delete, patch; {@code /status}: read,
 *       replace, patch when the status subresource is enabled;
 *   <li>PATCH accepts JSON patch, merge patch and apply patch only: announcing strategic merge patch would make
 *       kubectl send it, and custom resources cannot take it.
 * </ul>
 */
final class Routes {
  static final List<String> MEDIA_TYPES = List.of("application/json", "application/yaml");
  static final List<String> PATCH_TYPES =
      List.of("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");

  /** What a request or response body is. */
  enum Model { OBJECT, LIST, STATUS, PATCH, DELETE_OPTIONS }

  record Parameter(String name, String in, String type, String description) {
    boolean required() {
      return in.equals("path");
    }
  }

  record Body(Model model, List<String> mediaTypes, boolean required) {}

  record Response(int code, String description, Model model) {}

  record Operation(
      String method,
      String operationId,
      String description,
      String action,
      List<Parameter> parameters,
      Body body,
      List<Response> responses) {}

  /** One path: the parameters all its operations share, then the operations in GET, POST, PUT, PATCH, DELETE order. */
  record PathItem(String path, List<Parameter> parameters, List<Operation> operations) {}

  private static final String PATH = "path";
  private static final String QUERY = "query";

  private static final Parameter PRETTY = new Parameter("pretty", QUERY, "string",
      "If 'true', the output is indented for reading. Defaults to 'false', except for browsers and command-line "
          + "HTTP tools such as curl and wget.");
  private static final Parameter NAMESPACE = new Parameter("namespace", PATH, "string",
      "The namespace of the objects: a name scope and the unit of authorization, such as a team or a project.");
  private static final Parameter DRY_RUN = new Parameter("dryRun", QUERY, "string",
      "When present, the request is processed but nothing is persisted. The only valid value is All (every stage "
          + "runs); any other value is rejected and the request goes no further.");
  private static final Parameter FIELD_MANAGER = new Parameter("fieldManager", QUERY, "string",
      "The name of the actor making the change, recorded in metadata.managedFields. At most 128 printable "
          + "characters. Required for apply patches (application/apply-patch+yaml), optional otherwise.");
  private static final Parameter FIELD_VALIDATION = new Parameter("fieldValidation", QUERY, "string",
      "What to do with unknown or duplicate fields in the request body (POST, PUT, PATCH). Ignore: drop unknown "
          + "fields silently and keep the last of duplicates. Warn (the default): the same, with a warning header "
          + "for each. Strict: fail the request with BadRequest naming every unknown and duplicate field.");
  private static final Parameter FORCE = new Parameter("force", QUERY, "boolean",
      "For apply patches only: take ownership of fields that conflict with other managers instead of failing with "
          + "409 Conflict. Must be unset for other patch types.");
  private static final Parameter RESOURCE_VERSION = new Parameter("resourceVersion", QUERY, "string",
      "Constrains which resource version the answer may be served from (see "
          + "https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions). Unset means the most "
          + "recent state. For watches, the version to start after.");
  private static final Parameter RESOURCE_VERSION_MATCH = new Parameter("resourceVersionMatch", QUERY, "string",
      "How resourceVersion applies to a list: Exact or NotOlderThan. Recommended whenever resourceVersion is set "
          + "on a list (see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions).");
  private static final Parameter LABEL_SELECTOR = new Parameter("labelSelector", QUERY, "string",
      "Only objects whose labels match this selector. Defaults to everything.");
  private static final Parameter FIELD_SELECTOR = new Parameter("fieldSelector", QUERY, "string",
      "Only objects whose fields match this selector (metadata.name, metadata.namespace and the kind's "
          + "selectableFields). Defaults to everything.");
  private static final Parameter LIMIT = new Parameter("limit", QUERY, "integer",
      "The maximum number of objects to return. When more exist, the list's metadata.continue is set: pass it as "
          + "the continue parameter of the same query to get the next page. A page may hold fewer objects than "
          + "the limit even when more follow; only the presence of continue tells.");
  private static final Parameter CONTINUE = new Parameter("continue", QUERY, "string",
      "The metadata.continue of the previous page of a list with otherwise identical parameters. Once it has "
          + "expired the answer is 410 Gone (ResourceExpired) and the list must start over.");
  private static final Parameter WATCH = new Parameter("watch", QUERY, "boolean",
      "Instead of a list, stream the changes to the selected objects as ADDED, MODIFIED and DELETED events, "
          + "starting after resourceVersion.");
  private static final Parameter ALLOW_WATCH_BOOKMARKS = new Parameter("allowWatchBookmarks", QUERY, "boolean",
      "Ask for BOOKMARK events, which carry only a resourceVersion to resume from. They come at the server's "
          + "discretion, at no fixed interval. Ignored unless watch is set.");
  private static final Parameter SEND_INITIAL_EVENTS = new Parameter("sendInitialEvents", QUERY, "boolean",
      "With watch=true: begin the stream with an ADDED event for every object that currently matches, then a "
          + "BOOKMARK annotated \"k8s.io/initial-events-end\": \"true\". Requires "
          + "resourceVersionMatch=NotOlderThan.");
  private static final Parameter TIMEOUT_SECONDS = new Parameter("timeoutSeconds", QUERY, "integer",
      "The longest the list or watch call may last, whether or not anything happens.");
  private static final Parameter GRACE_PERIOD_SECONDS = new Parameter("gracePeriodSeconds", QUERY, "integer",
      "Seconds before the object is deleted; a non-negative integer, 0 meaning now. Unset means the default of "
          + "the kind.");
  private static final Parameter ORPHAN_DEPENDENTS = new Parameter("orphanDependents", QUERY, "boolean",
      "Deprecated: use propagationPolicy. Whether dependents are orphaned (true adds the orphan finalizer, false "
          + "removes it). Set at most one of this and propagationPolicy.");
  private static final Parameter PROPAGATION_POLICY = new Parameter("propagationPolicy", QUERY, "string",
      "How dependents are garbage collected: Orphan (they are left), Background (they are deleted after the "
          + "owner, in the background) or Foreground (they are deleted before the owner). Set at most one of this "
          + "and orphanDependents.");

  private static final List<Parameter> GET_OPTIONS = List.of(RESOURCE_VERSION);
  private static final List<Parameter> LIST_OPTIONS = List.of(ALLOW_WATCH_BOOKMARKS, CONTINUE, FIELD_SELECTOR,
      LABEL_SELECTOR, LIMIT, RESOURCE_VERSION, RESOURCE_VERSION_MATCH, SEND_INITIAL_EVENTS, TIMEOUT_SECONDS, WATCH);
  private static final List<Parameter> CREATE_OPTIONS = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION);
  private static final List<Parameter> UPDATE_OPTIONS = CREATE_OPTIONS;
  private static final List<Parameter> PATCH_OPTIONS = List.of(DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE);
  private static final List<Parameter> DELETE_OPTIONS =
      List.of(DRY_RUN, GRACE_PERIOD_SECONDS, ORPHAN_DEPENDENTS, PROPAGATION_POLICY);
  /** kube's deletecollection: list options without watching, plus delete options. */
  private static final List<Parameter> DELETE_COLLECTION_OPTIONS = concat(
      LIST_OPTIONS.stream().filter(p -> p != WATCH && p != ALLOW_WATCH_BOOKMARKS).toList(), DELETE_OPTIONS);

  private static final List<String> VERBS =
      List.of("get", "log", "read", "replace", "patch", "delete", "deletecollection", "watch", "connect", "proxy",
          "list", "create");

  private final ResourceDefinition definition;
  private final String group;
  private final String version;
  private final String kind;

  private Routes(ResourceDefinition definition, String version) {
    this.definition = definition;
    this.group = definition.group();
    this.version = version;
    this.kind = definition.names().kind();
  }

  /** The paths of {@code definition} at {@code version}, which it must serve. */
  static List<PathItem> of(ResourceDefinition definition, ServedVersion version) {
    return new Routes(definition, version.name()).paths(version.statusSubresource());
  }

  /** kube's tag for a group version, e.g. {@code demoRevisorIo_v1}. */
  static String tag(String group, String version) {
    return operationIdPart(trimK8sIo(group), false) + "_" + operationIdPart(version, false);
  }

  private List<PathItem> paths(boolean status) {
    String plural = definition.names().plural();
    String root = "/apis/" + group + "/" + version + "/" + plural;
    List<PathItem> paths = new ArrayList<>();
    List<Operation> listing = new ArrayList<>();
    if (definition.serves("list")) {
      listing.add(operation("GET", "", "list", "list", listOptions(), null, List.of(ok(Model.LIST))));
    }
    if (definition.namespaced()) {
      if (definition.serves("list")) {
        paths.add(path(root, List.of(
            new Operation("GET", operationId("list" + kind + "ForAllNamespaces"), description("", "list"), "list",
                listOptions(), null, List.of(ok(Model.LIST))))));
      }
      root = "/apis/" + group + "/" + version + "/namespaces/{namespace}/" + plural;
    }
    List<Operation> collection = new ArrayList<>(listing);
    if (definition.serves("create")) {
      collection.add(operation("POST", "", "post", "create", CREATE_OPTIONS, new Body(Model.OBJECT, MEDIA_TYPES, true),
          List.of(ok(Model.OBJECT), new Response(201, "Created", Model.OBJECT),
              new Response(202, "Accepted", Model.OBJECT))));
    }
    if (definition.serves("deletecollection")) {
      collection.add(operation("DELETE", "", "deletecollection", "deletecollection", DELETE_COLLECTION_OPTIONS,
          new Body(Model.DELETE_OPTIONS, MEDIA_TYPES, false), List.of(ok(Model.STATUS))));
    }
    if (!collection.isEmpty()) {
      paths.add(path(root, collection));
    }
    List<Operation> item = itemOperations("", true);
    if (!item.isEmpty()) {
      paths.add(path(root + "/{name}", item));
    }
    if (status) {
      paths.add(path(root + "/{name}/status", itemOperations("status", false)));
    }
    return paths;
  }

  /** The list parameters; without the watch ones when the kind cannot be watched. */
  private List<Parameter> listOptions() {
    if (definition.serves("watch")) {
      return LIST_OPTIONS;
    }
    return LIST_OPTIONS.stream()
        .filter(p -> p != WATCH && p != ALLOW_WATCH_BOOKMARKS && p != SEND_INITIAL_EVENTS)
        .toList();
  }

  /** The operations on one object (or its subresource) that the definition serves. */
  private List<Operation> itemOperations(String subresource, boolean deletable) {
    List<Operation> operations = new ArrayList<>();
    if (definition.serves("get")) {
      operations.add(operation("GET", subresource, "get", "read", GET_OPTIONS, null, List.of(ok(Model.OBJECT))));
    }
    if (definition.serves("update")) {
      operations.add(operation("PUT", subresource, "put", "replace", UPDATE_OPTIONS,
          new Body(Model.OBJECT, MEDIA_TYPES, true),
          List.of(ok(Model.OBJECT), new Response(201, "Created", Model.OBJECT))));
    }
    if (definition.serves("patch")) {
      // 201 too: a server-side apply that creates the object answers Created.
      operations.add(operation("PATCH", subresource, "patch", "patch", PATCH_OPTIONS,
          new Body(Model.PATCH, PATCH_TYPES, true),
          List.of(ok(Model.OBJECT), new Response(201, "Created", Model.OBJECT))));
    }
    if (deletable && definition.serves("delete")) {
      operations.add(operation("DELETE", subresource, "delete", "delete", DELETE_OPTIONS,
          new Body(Model.DELETE_OPTIONS, MEDIA_TYPES, false),
          List.of(ok(Model.STATUS), new Response(202, "Accepted", Model.STATUS))));
    }
    return operations;
  }

  private Operation operation(String method, String subresource, String action, String verb,
      List<Parameter> options, Body body, List<Response> responses) {
    String raw = verb + (definition.namespaced() ? "Namespaced" : "") + kind + capitalize(subresource);
    return new Operation(method, operationId(raw), description(subresource, verb), action, options, body, responses);
  }

  /**
   * Moves the parameters every operation of the path has to the path, adding {@code pretty} and the path
   * parameters, which all operations have.
   */
  private PathItem path(String path, List<Operation> operations) {
    List<Parameter> common = new ArrayList<>();
    if (path.contains("{name}")) {
      common.add(new Parameter("name", PATH, "string", "name of the " + kind));
    }
    if (path.contains("{namespace}")) {
      common.add(NAMESPACE);
    }
    common.add(PRETTY);
    for (Parameter candidate : operations.get(0).parameters()) {
      if (operations.stream().allMatch(o -> o.parameters().contains(candidate))) {
        common.add(candidate);
      }
    }
    common.sort(Comparator.comparing(Parameter::name).thenComparing(Parameter::in));
    List<Operation> shaped = operations.stream()
        .map(o -> new Operation(o.method(), o.operationId(), o.description(), o.action(),
            o.parameters().stream().filter(p -> !common.contains(p)).sorted(Comparator.comparing(Parameter::name))
                .toList(),
            o.body(), o.responses()))
        .sorted(Comparator.comparingInt(o -> List.of("GET", "POST", "PUT", "PATCH", "DELETE").indexOf(o.method())))
        .toList();
    return new PathItem(path, List.copyOf(common), shaped);
  }

  /** kube-openapi's operation id: verb, group and version in camel case, then the rest, e.g. listDemoRevisorIoV1... */
  private String operationId(String raw) {
    String verb = VERBS.stream()
        .filter(raw::startsWith)
        .min(Comparator.comparingInt(String::length))
        .orElseThrow(() -> new IllegalStateException("operation without a verb: " + raw));
    return verb + operationIdPart(trimK8sIo(group), true) + operationIdPart(version, true)
        + operationIdPart(raw.substring(verb.length()), true);
  }

  /** apiextensions-apiserver's operation descriptions, e.g. "partially update status of the specified Dashboard". */
  private String description(String subresource, String verb) {
    String article = switch (verb) {
      case "list" -> " objects of kind ";
      case "read", "replace", "patch" -> " the specified ";
      case "create", "delete" -> article(kind);
      default -> "";
    };
    String sub = subresource.isEmpty() ? "" : " " + subresource + " of";
    return switch (verb) {
      case "patch" -> "partially update" + sub + article + kind;
      case "deletecollection" -> "delete collection of" + (sub.isEmpty() ? "" : sub + " a") + " " + kind;
      default -> verb + sub + article + kind;
    };
  }

  private static String article(String noun) {
    if (noun.endsWith("s") && !noun.endsWith("ss")) {
      return " ";
    }
    return "aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? " an " : " a ";
  }

  private static Response ok(Model model) {
    return new Response(200, "OK", model);
  }

  private static String trimK8sIo(String group) {
    return group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
  }

  /** Letters, underscores and (not first) digits are kept; any other character starts a capitalized word. */
  static String operationIdPart(String text, boolean capitalizeFirst) {
    StringBuilder out = new StringBuilder();
    boolean capitalize = capitalizeFirst;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetter(c) || c == '_' || (i != 0 && Character.isDigit(c))) {
        out.append(capitalize ? Character.toUpperCase(c) : c);
        capitalize = false;
      } else {
        capitalize = true;
      }
    }
    return out.toString();
  }

  private static String capitalize(String word) {
    return word.isEmpty() ? word : word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
