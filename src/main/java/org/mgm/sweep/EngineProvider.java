package org.mgm.sweep;

/**
 * An engine by name, found through {@link java.util.ServiceLoader}: the local engine is always
 * there; the Spark engine only in a build with the {@code spark} profile, so the default build
 * carries none of Spark's jars.
 */
public interface EngineProvider {
  String name();

  /**
   * Checks the settings (a master that cannot be reached, an output directory workers cannot
   * write) before any cell starts, then opens the engine; bad settings are an
   * IllegalArgumentException naming them.
   */
  Engine open(SweepSettings settings, java.nio.file.Path outputDir);
}
