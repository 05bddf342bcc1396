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
import org.mgm.runtime.RunLock;
import org.mgm.train.Checkpoints;

/**
 * {@code mgm resume RUN_DIR}: runs the command recorded in the run's command.json again, in
 * resume mode, so that every training in it continues from its newest checkpoint and a table
 * goes on at its first unfinished cell. The same config is required (checked against the run's
 * config.yaml) and the same working directory, since the recorded paths are relative to it.
 * {@code --from iteration-N} picks the checkpoint the run's own training continues from; it must
 * be usable (its files match its manifest), as the newest usable one otherwise taken is. A run
 * that a process is still training in is locked ({@link RunLock}) and refused.
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
    o.addOption(Option.builder().longOpt("from").hasArg().argName("iteration-N")
        .desc("continue from this checkpoint of the run's own training (default: the newest usable one)").build());
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
    RunDirectory.holdForCommand(RunLock.acquire(dir));
    RunDirectory.resumeInto(dir, cmd.hasOption("from") ? checkpoint(dir, cmd.getOptionValue("from")) : null);
    try {
      return Main.run(args.toArray(new String[0]));
    } finally {
      RunDirectory.endResume();
    }
  }

  /** {@code --from}: iteration-N (zero-padded or not) of the run's own checkpoints, checked before anything runs. */
  private static String checkpoint(Path dir, String value) throws java.io.IOException {
    Checkpoints checkpoints = new Checkpoints(dir);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:iteration-)?0*(\\d+)").matcher(value.strip());
    if (!m.matches() || m.group(1).length() > 9) {
      throw new UsageException("--from: expected iteration-N, got '" + value + "' (" + checkpoints.root() + " has "
          + checkpoints.names() + ")");
    }
    String name = Checkpoints.name(Integer.parseInt(m.group(1)));
    try {
      checkpoints.named(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--from: " + e.getMessage());
    }
    return name;
  }
}
