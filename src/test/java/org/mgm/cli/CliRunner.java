package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Runs the CLI in-process with captured stdout/stderr. */
public final class CliRunner {
  public record Outcome(int code, String err, String out) {}

  private CliRunner() {}

  public static Outcome run(String... args) {
    PrintStream oldErr = System.err;
    PrintStream oldOut = System.out;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    System.setOut(new PrintStream(out, true));
    try {
      return new Outcome(Main.run(args), err.toString(), out.toString());
    } finally {
      System.setErr(oldErr);
      System.setOut(oldOut);
    }
  }

  /** Exit 2 and exactly one error line mentioning every fragment. */
  /** The JSON stdout ends with (an object or a list): what a command prints with --json. */
  public static String jsonTail(String out) {
    java.util.List<String> lines = out.lines().toList();
    int start = 0;
    while (start < lines.size() && !lines.get(start).startsWith("{") && !lines.get(start).startsWith("[")) {
      start++;
    }
    return String.join("\n", lines.subList(start, lines.size()));
  }

  public static void assertUsageError(Outcome o, String... fragments) {
    assertEquals(2, o.code(), o.err());
    String line = o.err().strip();
    assertEquals(1, line.lines().count(), "one line: " + line);
    for (String f : fragments) {
      assertTrue(line.contains(f), "'" + line + "' should mention " + f);
    }
  }
}
