package org.mgm.sweep;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every {@link CellKind} on the class path, by name. */
public final class CellKinds {
  private static volatile Map<String, CellKind> all;

  private CellKinds() {}

  public static CellKind named(String name) {
    CellKind k = all().get(name);
    if (k == null) {
      throw new IllegalArgumentException("no cell kind '" + name + "' in this build (has " + all().keySet() + ")");
    }
    return k;
  }

  private static Map<String, CellKind> all() {
    Map<String, CellKind> m = all;
    if (m == null) {
      m = new TreeMap<>();
      for (CellKind k : ServiceLoader.load(CellKind.class, CellKinds.class.getClassLoader())) {
        m.put(k.name(), k);
      }
      all = m;
    }
    return m;
  }
}
