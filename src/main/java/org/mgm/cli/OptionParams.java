package org.mgm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.sweep.Cell;

/**
 * A command's options as a cell's parameters ({@code opt.<name>}), and back. A cell of a table
 * whose settings come from command-line options carries them as given, and reads them back with
 * the very parser and checks the table used, so the cell trains what the single-run command
 * would with those options. File options are made absolute on the way: an executor on a
 * cluster does not share the table's working directory.
 */
final class OptionParams {
  private static final String PREFIX = "opt.";
  /** Between the values of a repeated option (--set a=1 --set b=2): a character no value has. */
  private static final String SEPARATOR = "\u001f";

  private OptionParams() {}

  /** The options of {@code cmd} that {@code kept} has, but not those in {@code skip}. */
  static Map<String, String> of(CommandLine cmd, Options kept, Set<String> skip, Set<String> paths) {
    Map<String, String> p = new LinkedHashMap<>();
    for (Option o : cmd.getOptions()) {
      String name = o.getLongOpt();
      if (kept.hasLongOption(name) && !skip.contains(name) && !p.containsKey(PREFIX + name)) {
        List<String> values = new ArrayList<>();
        for (String v : o.hasArg() ? cmd.getOptionValues(name) : new String[0]) {
          values.add(paths.contains(name) ? Path.of(v).toAbsolutePath().normalize().toString() : v);
        }
        p.put(PREFIX + name, String.join(SEPARATOR, values));
      }
    }
    return p;
  }

  /** The options a cell carries, parsed with {@code options}; a bad one names the cell. */
  static CommandLine read(Cell cell, Options options) {
    List<String> args = new ArrayList<>();
    cell.params().forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        if (v.isEmpty()) {
          args.add("--" + k.substring(PREFIX.length()));
        }
        for (String value : v.isEmpty() ? new String[0] : v.split(SEPARATOR, -1)) {
          args.add("--" + k.substring(PREFIX.length()));
          args.add(value);
        }
      }
    });
    try {
      return new DefaultParser().parse(options, args.toArray(String[]::new));
    } catch (org.apache.commons.cli.ParseException e) {
      throw new IllegalArgumentException("cell " + cell.id() + ": " + e.getMessage(), e);
    }
  }
}
