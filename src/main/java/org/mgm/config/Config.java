package org.mgm.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * An experiment config: a YAML tree read with SnakeYAML's safe constructor (plain maps, lists
 * and scalars only), with typed getters by dotted path whose errors name the file and the key.
 * Immutable: overrides and profiles return new configs.
 */
public final class Config {
  private final String source;
  private final Map<String, Object> root;

  private Config(String source, Map<String, Object> root) {
    this.source = source;
    this.root = root;
  }

  public static Config load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    return parse(file.toString(), text);
  }

  public static Config parse(String source, String yaml) {
    Object tree;
    try {
      tree = yaml().load(yaml);
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark();
      throw new ConfigException(source + ": malformed YAML at line " + (mark.getLine() + 1) + ", column "
          + (mark.getColumn() + 1) + ": " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(source + ": malformed YAML: " + e.getMessage());
    }
    if (!(tree instanceof Map<?, ?>)) {
      throw new ConfigException(source + ": expected a mapping of keys at the top level");
    }
    return new Config(source, deepCopy(tree));
  }

  private static Yaml yaml() {
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(new SafeConstructor(new LoaderOptions()), new org.yaml.snakeyaml.representer.Representer(dump), dump);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Object tree) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) tree).entrySet()) {
      Object v = e.getValue();
      out.put(String.valueOf(e.getKey()), v instanceof Map<?, ?> ? deepCopy(v) : v);
    }
    return out;
  }

  public String source() {
    return source;
  }

  public boolean has(String path) {
    return lookup(path) != null;
  }

  private Object lookup(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m) || !m.containsKey(part)) {
        return null;
      }
      node = m.get(part);
    }
    return node;
  }

  private Object require(String path) {
    Object v = lookup(path);
    if (v == null) {
      throw new ConfigException(source + ": missing key '" + path + "'");
    }
    return v;
  }

  private ConfigException wrongType(String path, String expected, Object actual) {
    String shown = actual instanceof String ? "\"" + actual + "\"" : String.valueOf(actual);
    return new ConfigException(source + ": key '" + path + "': expected " + expected + ", got " + shown);
  }

  public double getDouble(String path) {
    Object v = require(path);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw wrongType(path, "a number", v);
  }

  public long getLong(String path) {
    Object v = require(path);
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw wrongType(path, "an integer", v);
  }

  public int getInt(String path) {
    long v = getLong(path);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw wrongType(path, "an integer in int range", v);
    }
    return (int) v;
  }

  public boolean getBoolean(String path) {
    Object v = require(path);
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(path, "true or false", v);
  }

  public String getString(String path) {
    Object v = require(path);
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(path, "a string", v);
  }

  public List<Double> getDoubleList(String path) {
    Object v = require(path);
    if (!(v instanceof List<?> list)) {
      throw wrongType(path, "a list of numbers", v);
    }
    List<Double> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Number n)) {
        throw wrongType(path, "a list of numbers", v);
      }
      out.add(n.doubleValue());
    }
    return out;
  }

  public List<String> getStringList(String path) {
    Object v = require(path);
    if (!(v instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof String))) {
      throw wrongType(path, "a list of strings", v);
    }
    return list.stream().map(String.class::cast).toList();
  }

  /**
   * {@code key=value}, the value read as a YAML scalar or flow list (1e-4 is a number, true a
   * boolean, [1, 2] a list). The key must exist: a typo must not silently add a new key.
   */
  public Config withOverride(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(source + ": override '" + assignment + "' is not key=value");
    }
    String path = assignment.substring(0, eq).trim();
    String text = assignment.substring(eq + 1).trim();
    if (lookup(path) == null) {
      throw new ConfigException(source + ": override of unknown key '" + path + "'");
    }
    Object value;
    try {
      value = yaml().load(text);
    } catch (YAMLException e) {
      throw new ConfigException(source + ": override '" + assignment + "': malformed value");
    }
    if (value instanceof Map<?, ?>) {
      value = deepCopy(value);
    }
    Map<String, Object> copy = deepCopy(root);
    String[] parts = path.split("\\.");
    Map<String, Object> node = copy;
    for (int i = 0; i < parts.length - 1; i++) {
      node = castMap(node.get(parts[i]));
    }
    node.put(parts[parts.length - 1], value);
    return new Config(source, copy);
  }

  /** Deep-merges {@code profiles.<name>} over the root; the resolved tree has no profiles. */
  public Config withProfile(String name) {
    Object profiles = root.get("profiles");
    if (!(profiles instanceof Map<?, ?> all) || !all.containsKey(name)) {
      List<String> valid = profiles instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList() : List.of();
      throw new ConfigException(source + ": no profile '" + name + "' (profiles: " + valid + ")");
    }
    Map<String, Object> merged = deepCopy(root);
    merged.remove("profiles");
    merge(merged, castMap(all.get(name)), "profiles." + name);
    return new Config(source + " [" + name + "]", merged);
  }

  private void merge(Map<String, Object> base, Map<String, Object> over, String where) {
    for (Map.Entry<String, Object> e : over.entrySet()) {
      Object cur = base.get(e.getKey());
      if (cur == null) {
        throw new ConfigException(source + ": " + where + "." + e.getKey() + " overrides no key of the config");
      }
      if (cur instanceof Map<?, ?> && e.getValue() instanceof Map<?, ?>) {
        merge(castMap(cur), castMap(e.getValue()), where + "." + e.getKey());
      } else {
        base.put(e.getKey(), e.getValue());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  /** The resolved tree, for run directories. */
  public String toYaml() {
    return "# resolved from " + source + "\n" + yaml().dump(root);
  }
}
