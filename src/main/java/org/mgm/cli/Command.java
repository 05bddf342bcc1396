package org.mgm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** One subcommand: its options, its help, and its action. */
public abstract class Command {
  public abstract String name();

  public abstract String summary();

  protected abstract Options options();

  /** @return the process exit code */
  protected abstract int execute(CommandLine cmd) throws Exception;

  /**
   * The long option a leading positional argument stands for ({@code mgm inspect M.onnx} =
   * {@code mgm inspect --model M.onnx}), or null when the command takes none.
   */
  protected String positionalOption() {
    return null;
  }

  public int run(String prefix, String[] args) throws Exception {
    Options options = options();
    if (positionalOption() != null && args.length > 0 && !args[0].startsWith("-")) {
      String[] rewritten = new String[args.length + 1];
      rewritten[0] = "--" + positionalOption();
      System.arraycopy(args, 0, rewritten, 1, args.length);
      args = rewritten;
    }
    options.addOption(Option.builder("h").longOpt("help").desc("show this help").build());
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help")) {
        printHelp(prefix, options);
        return 0;
      }
    }
    CommandLine cmd;
    try {
      cmd = new DefaultParser(false).parse(options, args, false);
    } catch (UnrecognizedOptionException e) {
      throw new UsageException(prefix + " " + name() + ": unknown option " + e.getOption()
          + " (valid: " + validOptions(options) + ")");
    } catch (MissingOptionException e) {
      throw new UsageException(prefix + " " + name() + ": missing required option(s) " + e.getMissingOptions()
          .stream().map(o -> "--" + o).toList());
    } catch (MissingArgumentException e) {
      throw new UsageException(prefix + " " + name() + ": option --" + e.getOption().getLongOpt() + " needs a value");
    } catch (ParseException e) {
      throw new UsageException(prefix + " " + name() + ": " + e.getMessage());
    }
    if (!cmd.getArgList().isEmpty()) {
      throw new UsageException(prefix + " " + name() + ": unexpected argument(s) " + cmd.getArgList()
          + " (valid options: " + validOptions(options) + ")");
    }
    return execute(cmd);
  }

  static String validOptions(Options options) {
    List<String> names = new ArrayList<>();
    for (Option o : options.getOptions()) {
      names.add("--" + o.getLongOpt());
    }
    return String.join(", ", names);
  }

  private void printHelp(String prefix, Options options) {
    HelpFormatter f = new HelpFormatter();
    PrintWriter out = new PrintWriter(System.out, true);
    f.printHelp(out, 100, prefix + " " + name() + " [options]", summary(), options, 2, 4, "", false);
  }

  /** A positive integer option, or {@code fallback} when it is absent. */
  protected static int positiveInt(CommandLine cmd, String option, int fallback) {
    return intAtLeast(cmd, option, 1, fallback, "a positive integer");
  }

  /** A non-negative integer option (0 meaning a default), or {@code fallback} when it is absent. */
  protected static int nonNegativeInt(CommandLine cmd, String option, int fallback) {
    return intAtLeast(cmd, option, 0, fallback, "0 or a positive integer");
  }

  private static int intAtLeast(CommandLine cmd, String option, int min, int fallback, String expected) {
    String v = cmd.getOptionValue(option);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + option + ": expected " + expected + ", got '" + v + "'");
  }

  protected static double parseDouble(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + option + ": expected a number, got '" + value + "'");
    }
  }
}
