package org.mgm.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.mgm.config.Config;

/** A run's own directory: {@code <parent>/<name>-<yyyyMMdd-HHmmss>[-n]}, created once, unique. */
public final class RunDirectory {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private final Path path;

  private RunDirectory(Path path) {
    this.path = path;
  }

  public static RunDirectory create(Path parent, String name) throws IOException {
    Files.createDirectories(parent);
    String base = name + "-" + LocalDateTime.now().format(STAMP);
    for (int n = 0; ; n++) {
      Path candidate = parent.resolve(n == 0 ? base : base + "-" + n);
      try {
        return new RunDirectory(Files.createDirectory(candidate));
      } catch (FileAlreadyExistsException taken) {
        // another run started in the same second: take the next suffix
      }
    }
  }

  public Path path() {
    return path;
  }

  public Path resolve(String name) {
    return path.resolve(name);
  }

  public void writeConfig(Config config) throws IOException {
    AtomicFiles.writeString(resolve("config.yaml"), config.toYaml());
  }

  public void writeJson(String name, Map<String, ?> value) throws IOException {
    AtomicFiles.writeString(resolve(name), Json.write(value) + "\n");
  }
}
