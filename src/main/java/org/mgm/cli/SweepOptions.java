package org.mgm.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.sweep.Engine;
import org.mgm.sweep.Engines;
import org.mgm.sweep.SweepSettings;

/** The options of every table command that say where its cells run, read and checked at once. */
final class SweepOptions {
  private SweepOptions() {}

  static void add(Options o) {
    o.addOption(Option.builder().longOpt("engine").hasArg()
        .desc("where the cells run: local (default, one after another) | spark").build());
    o.addOption(Option.builder().longOpt("master").hasArg().argName("URL")
        .desc("Spark master: local[N] (embedded, default local[2]) | spark://HOST:PORT").build());
    o.addOption(Option.builder().longOpt("cell-threads").hasArg().argName("T")
        .desc("TF threads per cell (default 0: TF's default, one per core)").build());
    o.addOption(Option.builder().longOpt("executor-wait").hasArg().argName("S")
        .desc("spark://: seconds to wait for the first executor (default 120; 0: for ever)").build());
  }

  static SweepSettings read(CommandLine cmd) {
    SweepSettings.Builder b = SweepSettings.builder();
    if (cmd.hasOption("engine")) {
      b.engine(cmd.getOptionValue("engine").strip().toLowerCase(java.util.Locale.ROOT));
    }
    if (cmd.hasOption("master")) {
      b.master(cmd.getOptionValue("master").strip());
    }
    if (cmd.hasOption("cell-threads")) {
      b.cellThreads(Command.nonNegativeInt(cmd, "cell-threads", 0));
      // Now, before the table's first TF session (a mixer it checks), which sizes TF's pools.
      org.mgm.runtime.Sessions.useThreads(b.build().cellThreads());
    }
    if (cmd.hasOption("executor-wait")) {
      b.executorWaitSeconds(Command.nonNegativeInt(cmd, "executor-wait", 120));
    }
    return b.build();
  }

  /** The engine, opened and checked before the table makes any directory. */
  static Engine open(SweepSettings settings, Path out) {
    try {
      return Engines.open(settings, out);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
