package io.revisor.apiserver.discovery;

import static io.revisor.apiserver.discovery.DiscoveryFormat.AGGREGATED_V2;
import static io.revisor.apiserver.discovery.DiscoveryFormat.AGGREGATED_V2BETA1;
import static io.revisor.apiserver.discovery.DiscoveryFormat.LEGACY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DiscoveryNegotiationTest {
  private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet("kubectl 1.30+ and the aggregator", V2 + "," + V2BETA1 + ",application/json", AGGREGATED_V2),
        argumentSet("kubectl 1.27 asks for v2beta1 only", V2BETA1 + ",application/json", AGGREGATED_V2BETA1),
        argumentSet("plain JSON", "application/json", LEGACY),
        argumentSet("kubectl's resource-list header", "application/json, */*", LEGACY),
        argumentSet("no header", null, LEGACY),
        argumentSet("empty header", "", LEGACY),
        argumentSet("anything", "*/*", LEGACY),
        argumentSet("application wildcard", "application/*", LEGACY),
        argumentSet("protobuf first is skipped, not refused",
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," + V2
                + ",application/json", AGGREGATED_V2),
        argumentSet("higher quality wins over header order", "application/json;q=0.5," + V2, AGGREGATED_V2),
        argumentSet("q=0 means not acceptable", V2 + ";q=0,application/json", LEGACY),
        argumentSet("exact type before wildcard at equal quality", "*/*," + V2, AGGREGATED_V2),
        argumentSet("header order among equals", V2BETA1 + "," + V2, AGGREGATED_V2BETA1),
        argumentSet("spaces and case", "Application/JSON; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList",
            AGGREGATED_V2),
        argumentSet("quoted parameter values", "application/json;g=\"apidiscovery.k8s.io\";v=\"v2\";as=\"APIGroupDiscoveryList\"",
            AGGREGATED_V2),
        argumentSet("unknown aggregated version falls through", V2.replace("v=v2", "v=v3") + ",application/json",
            LEGACY),
        argumentSet("Table is no conversion for discovery", "application/json;as=Table;v=v1;g=meta.k8s.io", null),
        argumentSet("Table then JSON", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", LEGACY),
        argumentSet("partial conversion target", "application/json;as=APIGroupDiscoveryList", null),
        argumentSet("only an unknown aggregated version", V2.replace("v=v2", "v=v3"), null),
        argumentSet("YAML only", "application/yaml", null),
        argumentSet("protobuf only", "application/vnd.kubernetes.protobuf", null),
        argumentSet("a stream is not a discovery document", "application/json;stream=watch", null),
        argumentSet("malformed quality", "application/json;q=high", null),
        argumentSet("not a media type", "json", null),
        argumentSet("unknown parameters are ignored", "application/json;pretty=1;charset=utf-8", LEGACY));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void chooses(String accept, DiscoveryFormat expected) {
    assertThat(Discovery.negotiate(accept)).isEqualTo(Optional.ofNullable(expected));
  }
}
