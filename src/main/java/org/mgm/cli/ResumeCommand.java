package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.runtime.Json;
import org.mgm.runtime.RunDirectory;

/**
 * {@code mgm resume RUN_DIR}: runs the command recorded in the run's command.json again, in
 * resume mode, so that every training in it continues from its newest checkpoint and a table
 * goes on at its first unfinished cell. The same config is required (checked against the run's
 * config.yaml) and the same working directory, since the recorded paths are relative to it.
 */
final class ResumeCommand extends Command {
  @Override
  public String name() {
    return "resume";
  }

  @Override
  public String summary() {
    return "continue a killed training run (or table) from its newest checkpoint";
  }

  @Override
  protected String positionalOption() {
    return "run";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("run").hasArg().argName("RUN_DIR").required()
        .desc("the run directory (the one with command.json)").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path dir = Path.of(cmd.getOptionValue("run"));
    if (!Files.isDirectory(dir)) {
      throw new UsageException(dir + ": not a run directory");
    }
    Path file = dir.resolve(RunDirectory.COMMAND_FILE);
    if (!Files.isRegularFile(file)) {
      throw new UsageException(file + ": missing; only a top-level run directory made by a training command can be"
          + " resumed");
    }
    Map<String, Object> command;
    try {
      command = Json.parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new UsageException(file + ": " + e.getMessage());
    }
    if (!(command.get("args") instanceof List<?> raw) || raw.isEmpty()
        || !(command.get("working_directory") instanceof String wd)) {
      throw new UsageException(file + ": expected 'args' (a non-empty list) and 'working_directory'");
    }
    List<String> args = new ArrayList<>();
    raw.forEach(a -> args.add(String.valueOf(a)));
    if (args.get(0).equals(name())) {
      throw new UsageException(file + ": records a resume, not a training command");
    }
    Path here = Path.of("").toAbsolutePath();
    if (!Path.of(wd).equals(here)) {
      throw new UsageException(dir + ": started in " + wd + "; resume it from there (its paths are relative to it)");
    }
    RunDirectory.resumeInto(dir);
    try {
      return Main.run(args.toArray(new String[0]));
    } finally {
      RunDirectory.endResume();
    }
  }
}
