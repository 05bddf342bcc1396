package org.mgm.cli;

import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.config.ConfigException;
import org.mgm.tf.TfModelException;

/**
 * {@code mgm <group> <command> [options]}. Exit codes: 0 success, 1 failure while running, 2 bad
 * input (unknown command or option, bad value, bad config, unusable model).
 */
public final class Main {
  private static final Logger LOG = LogManager.getLogger(Main.class);
  private static final java.util.concurrent.atomic.AtomicInteger DEPTH = new java.util.concurrent.atomic.AtomicInteger();

  private Main() {}

  static List<CommandGroup> groups() {
    return List.of(new SyntheticCommands(), new FewShotCommands(), new TimeSeriesCommands(), new MarketCommands());
  }

  /** Commands on ONNX models, used without a group: {@code mgm inspect M.onnx}. */
  static List<Command> commands() {
    return List.of(new InspectCommand(), new InferCommand(), new GradcheckCommand(), new ExportCommand(),
        new SampleCommand(), new BenchImportCommand(), new BenchArchitecturesCommand(), new BenchTfImportCommand(),
        new ResumeCommand());
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    DEPTH.incrementAndGet();
    try {
      return runCommand(args);
    } finally {
      // The outermost command (a resume runs another inside itself) releases its runs' locks.
      if (DEPTH.decrementAndGet() == 0) {
        try {
          org.mgm.runtime.RunDirectory.releaseCommandLocks();
        } catch (java.io.IOException e) {
          LOG.debug("releasing run locks", e);
        }
      }
    }
  }

  private static int runCommand(String[] args) {
    org.mgm.runtime.RunDirectory.recordInvocation(Arrays.asList(args));
    try {
      if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
        printUsage();
        return args.length == 0 ? 2 : 0;
      }
      for (CommandGroup g : groups()) {
        if (g.name().equals(args[0])) {
          return g.run(Arrays.copyOfRange(args, 1, args.length));
        }
      }
      for (Command c : commands()) {
        if (c.name().equals(args[0])) {
          return c.run("mgm", Arrays.copyOfRange(args, 1, args.length));
        }
      }
      List<String> valid = new java.util.ArrayList<>(groups().stream().map(CommandGroup::name).toList());
      commands().forEach(c -> valid.add(c.name()));
      throw new UsageException("unknown command '" + args[0] + "' (valid: " + String.join(", ", valid) + ")");
    } catch (UsageException | ConfigException | TfModelException | IllegalArgumentException e) {
      System.err.println("mgm: " + e.getMessage());
      return 2;
    } catch (org.mgm.train.Checkpoints.WriteFailed e) {
      // Not an internal error: the line says what to fix (space, permissions) before resuming.
      LOG.debug("checkpoint write failed", e);
      System.err.println("mgm: " + e.getMessage());
      return 1;
    } catch (Exception | OutOfMemoryError e) {
      // An internal error: one line that says what and where; the trace goes to the run's log.
      LOG.debug("failure", e);
      System.err.println("mgm: failed: " + e + where(e));
      return 1;
    }
  }

  /** " (at Class.method:line)" of the innermost toolkit frame, so the line says where it failed. */
  static String where(Throwable e) {
    for (StackTraceElement f : e.getStackTrace()) {
      if (f.getClassName().startsWith("org.mgm.")) {
        String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
        return " (at " + cls + "." + f.getMethodName() + ":" + f.getLineNumber() + ")";
      }
    }
    return "";
  }

  private static void printUsage() {
    System.out.println("usage: mgm <command> [subcommand] [options]   (--help on any of them)");
    System.out.println();
    System.out.println("  models and runs:");
    for (Command c : commands()) {
      System.out.printf("    %-16s %s%n", c.name(), c.summary());
    }
    // Answered by the ./mgm launcher itself: it knows where the build put the jars.
    System.out.printf("    %-16s %s%n", "classpath", "print the built toolkit's class path (java -cp \"$(./mgm classpath)\" ...)");
    for (CommandGroup g : groups()) {
      System.out.println();
      System.out.println("  " + g.name() + ": " + g.summary());
      for (Command c : g.commands()) {
        System.out.printf("    %-16s %s%n", c.name(), c.summary());
      }
    }
  }
}
