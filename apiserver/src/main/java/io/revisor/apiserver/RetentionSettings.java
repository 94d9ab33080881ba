package io.revisor.apiserver;

import io.revisor.apiserver.config.DurationConverter;
import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.crd.DefinitionException;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.storage.resource.ResourceType;
import io.revisor.storage.resource.RetentionPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@link RetentionPolicy} of each served kind, for the pruner: the flags ({@code --retention-keep-versions},
 * {@code --retention-max-age}, {@code --trash-ttl}), each overridden for one kind by its definition's annotation
 * ({@value #KEEP_VERSIONS}, {@value #MAX_AGE}, {@value #TRASH_TTL}). In both, {@code 0} means no limit: every
 * version, or forever. Revisor's own kinds have no annotations, so the flags alone apply to them. Types in storage
 * that are no longer served keep everything. Immutable and thread-safe.
 */
final class RetentionSettings implements Function<ResourceType, RetentionPolicy> {
  static final String KEEP_VERSIONS = "revisor.io/retention-keep-versions";
  static final String MAX_AGE = "revisor.io/retention-max-age";
  static final String TRASH_TTL = "revisor.io/trash-ttl";
  private static final List<String> ANNOTATIONS = List.of(KEEP_VERSIONS, MAX_AGE, TRASH_TTL);
  private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");

  /** By {@code <plural>.<group>}: the namespaced bit of a type read back from storage is not part of the match. */
  private final Map<String, RetentionPolicy> served;

  private RetentionSettings(Map<String, RetentionPolicy> served) {
    this.served = Map.copyOf(served);
  }

  /**
   * The policies of the served kinds.
   *
   * @throws StartupException naming the file and the annotation when an annotation's value is invalid, or a
   *     {@code revisor.io/retention-} or {@code revisor.io/trash-} annotation is unknown (a misspelt name)
   */
  static RetentionSettings of(ServerOptions options, ResourceRegistry registry) {
    RetentionPolicy flags = new RetentionPolicy(options.retentionKeepVersions, orForever(options.retentionMaxAge),
        orForever(options.trashTtl));
    Map<String, RetentionPolicy> served = new HashMap<>();
    for (ResourceDefinition definition : registry.definitions()) {
      try {
        served.put(definition.name(), policy(definition, flags));
      } catch (DefinitionException e) {
        throw new StartupException("invalid resource definition: " + e.getMessage(), e);
      }
    }
    return new RetentionSettings(served);
  }

  @Override
  public RetentionPolicy apply(ResourceType type) {
    return served.getOrDefault(type.qualifiedName(), RetentionPolicy.KEEP_ALL);
  }

  private static RetentionPolicy policy(ResourceDefinition definition, RetentionPolicy flags) {
    Map<String, String> annotations = definition.annotations();
    for (String name : annotations.keySet()) {
      if ((name.startsWith("revisor.io/retention-") || name.startsWith("revisor.io/trash-"))
          && !ANNOTATIONS.contains(name)) {
        throw invalid(definition, name, "Unsupported annotation: supported are " + String.join(", ", ANNOTATIONS));
      }
    }
    int keepVersions = flags.keepVersions();
    String keep = annotations.get(KEEP_VERSIONS);
    if (keep != null) {
      if (!DIGITS.matcher(keep).matches()) {
        throw invalid(definition, KEEP_VERSIONS, "Invalid value: \"" + keep
            + "\": must be a number of versions from 0 (keep every version) to 999999999");
      }
      keepVersions = Integer.parseInt(keep);
    }
    return new RetentionPolicy(keepVersions, duration(definition, MAX_AGE, flags.maxAge()),
        duration(definition, TRASH_TTL, flags.trashTtl()));
  }

  /** The annotation's duration (null for {@code 0}: forever), or {@code otherwise} without the annotation. */
  private static Duration duration(ResourceDefinition definition, String annotation, Duration otherwise) {
    String value = definition.annotations().get(annotation);
    if (value == null) {
      return otherwise;
    }
    try {
      return orForever(DurationConverter.parse(value));
    } catch (IllegalArgumentException e) {
      throw invalid(definition, annotation, "Invalid value: \"" + value
          + "\": must be a duration such as 168h or 30d (0 keeps forever)");
    }
  }

  /** Zero and unset both mean no limit. */
  private static Duration orForever(Duration duration) {
    return duration == null || duration.isZero() ? null : duration;
  }

  private static DefinitionException invalid(ResourceDefinition definition, String annotation, String problem) {
    return new DefinitionException(definition.source(), "metadata.annotations[" + annotation + "]", problem);
  }
}
