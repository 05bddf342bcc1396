package org.mgm.cli;

import java.util.Arrays;
import java.util.List;

/** A named family of subcommands ({@code mgm synthetic ...}). */
public abstract class CommandGroup {
  public abstract String name();

  public abstract String summary();

  public abstract List<Command> commands();

  public int run(String[] args) throws Exception {
    String prefix = "mgm " + name();
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      System.out.println("usage: " + prefix + " <subcommand> [options]   (" + summary() + ")");
      for (Command c : commands()) {
        System.out.printf("  %-16s %s%n", c.name(), c.summary());
      }
      return args.length == 0 ? 2 : 0;
    }
    for (Command c : commands()) {
      if (c.name().equals(args[0])) {
        return c.run(prefix, Arrays.copyOfRange(args, 1, args.length));
      }
    }
    throw new UsageException(prefix + ": unknown subcommand '" + args[0] + "' (valid: "
        + String.join(", ", commands().stream().map(Command::name).toList()) + ")");
  }
}
