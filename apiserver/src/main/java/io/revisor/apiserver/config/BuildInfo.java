package io.revisor.apiserver.config;

import picocli.CommandLine.IVersionProvider;

/** The server's version, from the jar manifest (or {@code dev} when run from classes). */
public final class BuildInfo implements IVersionProvider {
  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    String version = BuildInfo.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"revisor " + version()};
  }
}
