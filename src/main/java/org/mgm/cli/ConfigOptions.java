package org.mgm.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.config.Config;

/** --config, --quick, --profile, --set and --out, the same for every experiment command. */
final class ConfigOptions {
  private ConfigOptions() {}

  static void add(Options o, String defaultConfig, String exampleOverride) {
    o.addOption(Option.builder().longOpt("config").hasArg().argName("FILE")
        .desc("experiment config (default " + defaultConfig + ")").build());
    o.addOption(Option.builder().longOpt("quick").desc("apply the config's 'quick' profile (fewer iterations)").build());
    o.addOption(Option.builder().longOpt("profile").hasArg().argName("NAME")
        .desc("apply the config's profile NAME (its 'profiles' section; --quick is --profile quick)").build());
    o.addOption(Option.builder().longOpt("set").hasArg().argName("KEY=VALUE")
        .desc("override a config key, e.g. " + exampleOverride + " (repeatable)").build());
    o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
        .desc("parent directory of run directories (default runs)").build());
  }

  /** The config file, then the profile if asked (--quick or --profile), then each --set in order. */
  static Config load(CommandLine cmd, String defaultConfig) {
    Config c = Config.load(Path.of(cmd.getOptionValue("config", defaultConfig)));
    if (cmd.hasOption("quick") && cmd.hasOption("profile")) {
      throw new UsageException("--quick and --profile: give one (--quick is --profile quick)");
    }
    if (cmd.hasOption("quick")) {
      c = c.withProfile("quick");
    } else if (cmd.hasOption("profile")) {
      c = c.withProfile(cmd.getOptionValue("profile"));
    }
    String[] sets = cmd.getOptionValues("set");
    if (sets != null) {
      for (String s : sets) {
        c = c.withOverride(s);
      }
    }
    return c;
  }
}
