package io.revisor.apiserver;

import io.revisor.apiserver.config.ServerOptions;
import java.util.List;
import picocli.CommandLine;

/** The {@code revisor} command: parses the flags and runs the server until the process is stopped. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    ServerOptions options = new ServerOptions();
    CommandLine command = new CommandLine(options);
    try {
      command.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println("revisor: " + e.getMessage());
      command.usage(System.err);
      System.exit(2);
      return;
    }
    if (command.isUsageHelpRequested()) {
      command.usage(System.out);
      return;
    }
    if (command.isVersionHelpRequested()) {
      command.printVersionHelp(System.out);
      return;
    }
    List<String> problems = options.validate();
    if (!problems.isEmpty()) {
      problems.forEach(p -> System.err.println("revisor: " + p));
      System.exit(2);
      return;
    }
    try {
      Revisor revisor = Revisor.start(options);
      Runtime.getRuntime().addShutdownHook(new Thread(revisor::shutdown, "revisor-shutdown"));
      revisor.printWelcome(System.out);
    } catch (StartupException e) {
      System.err.println("revisor: " + e.getMessage());
      System.exit(1);
    }
  }
}
