package io.revisor.apiserver.openapi;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Definition names, as kube spells them. */
final class SchemaNames {
  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String OBJECT_META = META + "ObjectMeta";
  static final String LIST_META = META + "ListMeta";
  static final String STATUS = META + "Status";
  static final String PATCH = META + "Patch";
  static final String DELETE_OPTIONS = META + "DeleteOptions";

  private SchemaNames() {}

  /**
   * The definition name of a kind: the group in reverse-DNS order, the version and the kind, e.g. {@code
   * io.revisor.demo.v1.Dashboard} for {@code demo.revisor.io/v1 Dashboard} (kube-openapi's REST-friendly name of the
   * CustomResourceDefinition's canonical type name {@code group/version.Kind}).
   */
  static String kind(String group, String version, String kind) {
    List<String> labels = Arrays.asList(group.split("\\."));
    Collections.reverse(labels);
    return String.join(".", labels) + "." + version + "." + kind;
  }
}
