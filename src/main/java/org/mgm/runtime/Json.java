package org.mgm.runtime;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The little JSON the toolkit prints (--json) and writes (result.json): maps, lists, numbers,
 * strings, booleans, null. Small enough that a library would be heavier than the code.
 */
public final class Json {
  private Json() {}

  /** Indented, for people and files. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value, 0, true);
    return sb.toString();
  }

  /** On one line, for a result that a parent process reads line by line. */
  public static String writeLine(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value, 0, false);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object v, int indent, boolean pretty) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(first ? "" : ",");
        if (pretty) {
          sb.append('\n').append("  ".repeat(indent + 1));
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        append(sb, e.getValue(), indent + 1, pretty);
      }
      sb.append(first || !pretty ? "}" : "\n" + "  ".repeat(indent) + "}");
    } else if (v instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object o : c) {
        sb.append(first ? "" : ", ");
        first = false;
        append(sb, o, indent + 1, pretty);
      }
      sb.append(']');
    } else if (v instanceof double[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        sb.append(i == 0 ? "" : ", ");
        number(sb, a[i]);
      }
      sb.append(']');
    } else if (v instanceof Double || v instanceof Float) {
      number(sb, ((Number) v).doubleValue());
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else {
      string(sb, v.toString());
    }
  }

  /** NaN and infinities are not JSON: they become null. */
  private static void number(StringBuilder sb, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append(String.format(Locale.ROOT, "%.1f", d));
    } else {
      sb.append(Double.toString(d));
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * Parses what {@link #write} wrote (a checkpoint's state, a run's command): JSON is YAML's flow
   * style, so the toolkit's YAML reader parses it and no second parser is needed.
   *
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  public static Map<String, Object> parse(String json) {
    Object v;
    try {
      v = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
          new org.yaml.snakeyaml.LoaderOptions())).load(json);
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) m;
    return map;
  }

  /** The number under {@code key} of an object read from {@code file}, or an error naming both. */
  public static double number(java.nio.file.Path file, Map<String, Object> object, String key) {
    if (!(object.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(file + ": no number '" + key + "'");
    }
    return n.doubleValue();
  }

  /**
   * Parses a flat object of numbers, booleans and plain strings (what a benchmark child prints); nested
   * values are rejected, since nothing else is ever read back.
   */
  public static Map<String, Object> parseFlat(String json) {
    String s = json.strip();
    if (!s.startsWith("{") || !s.endsWith("}")) {
      throw new IllegalArgumentException("not a JSON object: " + json);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    String body = s.substring(1, s.length() - 1).strip();
    if (body.isEmpty()) {
      return m;
    }
    for (String part : body.split(",")) {
      int colon = part.indexOf(':');
      String key = unquote(part.substring(0, colon).strip());
      String val = part.substring(colon + 1).strip();
      if (val.startsWith("{") || val.startsWith("[")) {
        throw new IllegalArgumentException("nested value for '" + key + "' in " + json);
      }
      m.put(key, val.startsWith("\"") ? unquote(val) : val.equals("null") ? Double.NaN
          : val.equals("true") || val.equals("false") ? (Object) Boolean.valueOf(val) : Double.parseDouble(val));
    }
    return m;
  }

  private static String unquote(String s) {
    if (s.length() < 2 || !s.startsWith("\"") || !s.endsWith("\"")) {
      throw new IllegalArgumentException("expected a string, got " + s);
    }
    return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
  }
}
