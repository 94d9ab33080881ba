package io.revisor.apiserver.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands of one {@code ##} section of a README, so that a test runs exactly what the README tells users to
 * type. The convention, which the README's authors follow:
 *
 * <ul>
 *   <li>Only fenced blocks whose info string is {@code sh} hold commands; {@code text}, {@code yaml} and other blocks
 *       (outputs, manifests) are not run.
 *   <li>Each block belongs to the {@code ###} subsection it is in (the text before the first one is named "").
 *   <li>Every line is one command, except that a line ending in {@code \} goes on with the next, and a line with a
 *       here-document ({@code <<EOF} or {@code <<'EOF'}) goes on through its terminating line. Blank lines and lines
 *       starting with {@code #} are skipped.
 *   <li>A command {@code name=$(...)} sets a shell variable that later commands use as {@code $name}: that is how
 *       the README refers to values that differ from server to server, such as resourceVersions.
 * </ul>
 *
 * Immutable.
 */
final class ReadmeCommands {
  private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*'?\"?([A-Za-z_]+)'?\"?");
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\\$\\((.*)\\)");

  private final String heading;
  private final Map<String, List<String>> bySubsection;

  private ReadmeCommands(String heading, Map<String, List<String>> bySubsection) {
    this.heading = heading;
    this.bySubsection = bySubsection;
  }

  /** The repository's README.md (the tests run in {@code apiserver/}). */
  static Path repositoryReadme() {
    return repositoryRoot().resolve("README.md");
  }

  /** The repository's root directory, where the README's commands run. */
  static Path repositoryRoot() {
    return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
  }

  /**
   * The commands of the section headed {@code ## heading}.
   *
   * @throws AssertionError when the file or the section does not exist
   */
  static ReadmeCommands of(Path readme, String heading) {
    List<String> lines;
    try {
      lines = Files.readAllLines(readme);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + readme, e);
    }
    int start = lines.indexOf("## " + heading);
    if (start < 0) {
      throw new AssertionError(readme + " has no section \"## " + heading + "\"");
    }
    Map<String, List<String>> bySubsection = new LinkedHashMap<>();
    String subsection = "";
    List<String> block = null;
    for (int i = start + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (block == null && line.startsWith("## ")) {
        break;
      }
      if (block == null && line.startsWith("### ")) {
        subsection = line.substring(4).strip();
      } else if (block == null && line.startsWith("```")) {
        block = line.substring(3).strip().equals("sh") ? new ArrayList<>() : null;
        if (block == null) {
          i = closingFence(lines, i);
        }
      } else if (block != null && line.startsWith("```")) {
        bySubsection.computeIfAbsent(subsection, s -> new ArrayList<>()).addAll(commands(block));
        block = null;
      } else if (block != null) {
        block.add(line);
      }
    }
    if (block != null) {
      throw new AssertionError("an sh block of \"## " + heading + "\" is not closed");
    }
    return new ReadmeCommands(heading, bySubsection);
  }

  /** The commands of the subsection headed {@code ### subsection}, in order; fails when it has none. */
  List<String> commands(String subsection) {
    List<String> commands = bySubsection.get(subsection);
    if (commands == null) {
      throw new AssertionError("\"## " + heading + "\" has no sh commands under \"### " + subsection + "\"; it has "
          + bySubsection.keySet());
    }
    return commands;
  }

  /** The subsections that have commands, in order. */
  List<String> subsections() {
    return List.copyOf(bySubsection.keySet());
  }

  /** The variable that {@code command} sets ({@code name=$(...)}), or null. */
  static String assignedVariable(String command) {
    Matcher matcher = ASSIGNMENT.matcher(command);
    return matcher.matches() ? matcher.group(1) : null;
  }

  private static int closingFence(List<String> lines, int open) {
    for (int i = open + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith("```")) {
        return i;
      }
    }
    throw new AssertionError("a fenced block opened on line " + (open + 1) + " is not closed");
  }

  private static List<String> commands(List<String> block) {
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < block.size(); i++) {
      String line = block.get(i);
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      StringBuilder command = new StringBuilder(line);
      while (line.endsWith("\\") && i + 1 < block.size()) {
        line = block.get(++i);
        command.append('\n').append(line);
      }
      Matcher heredoc = HEREDOC.matcher(command);
      if (heredoc.find()) {
        String end = heredoc.group(1);
        do {
          if (i + 1 >= block.size()) {
            throw new AssertionError("the here-document of \"" + command + "\" does not end with " + end);
          }
          line = block.get(++i);
          command.append('\n').append(line);
        } while (!line.equals(end));
      }
      commands.add(command.toString());
    }
    return commands;
  }
}
