package org.mgm.sweep;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The engines this build has, by name: the local engine always, others where their code is on
 * the class path (registered through {@link ServiceLoader}; the Spark engine by the build's
 * {@code spark} profile).
 */
public final class Engines {
  private Engines() {}

  public static Map<String, EngineProvider> available() {
    Map<String, EngineProvider> m = new TreeMap<>();
    EngineProvider local = new LocalEngine.Provider();
    m.put(local.name(), local);
    var providers = ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader()).iterator();
    while (true) {
      try {
        if (!providers.hasNext()) {
          break;
        }
        EngineProvider p = providers.next();
        m.put(p.name(), p);
      } catch (java.util.ServiceConfigurationError stale) {
        // a registration whose classes are gone (target/classes of a build with another profile):
        // that engine is simply not in this build
      }
    }
    return m;
  }

  /** The named engine, opened for a table written under {@code outputDir}. */
  public static Engine open(SweepSettings settings, Path outputDir) {
    Map<String, EngineProvider> all = available();
    EngineProvider p = all.get(settings.engine());
    if (p == null) {
      throw new IllegalArgumentException("--engine: no engine '" + settings.engine() + "' in this build (has "
          + String.join(", ", all.keySet()) + (settings.engine().equals("spark")
          ? "; the Spark engine is in builds made with `mvn -Pspark package`" : "") + ")");
    }
    return p.open(settings, outputDir);
  }
}
