package org.mgm.sweep;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * One whole training of a table: its kind (which {@link CellKind} runs it), its parameters and the
 * directory it owns. Everything is a string, the config included as resolved YAML, so that any
 * engine can ship a cell to another JVM and run it there with nothing but the toolkit's jar.
 *
 * @param id unique within its grid; also the name of its directory
 * @param dir an absolute path every engine's workers can write
 */
public record Cell(String id, String kind, Map<String, String> params, String dir) implements Serializable {
  public Cell {
    params = new TreeMap<>(params); // sorted, serializable, and no caller can change it afterwards
  }

  /** Parameter every engine applies before the cell's training: TF threads per session (0: TF's default). */
  public static final String THREADS = "threads";

  /** This cell with one more parameter. */
  public Cell with(String key, String value) {
    Map<String, String> p = new TreeMap<>(params);
    p.put(key, value);
    return new Cell(id, kind, p, dir);
  }

  public Path path() {
    return Path.of(dir);
  }

  /** A parameter the cell must have, or an error naming the cell and the key. */
  public String param(String key) {
    String v = params.get(key);
    if (v == null) {
      throw new IllegalArgumentException("cell " + id + ": no parameter '" + key + "'");
    }
    return v;
  }
}
