package org.mgm.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mgm.runtime.Json;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * The graphs export-tools/make_tf_export_fixtures.py builds with real TensorFlow (the venv
 * {@code .ci/run} makes, see {@link org.mgm.runtime.TfPythonEnv}): tests that need them are
 * skipped, with the reason, where that python is missing.
 */
final class TfExportFixtures {
  static final String PYTHON = org.mgm.runtime.TfPythonEnv.interpreter().toString();

  private TfExportFixtures() {}

  /** Runs the script into {@code dir}; skips the calling test when TensorFlow's python is missing. */
  static void make(Path dir, String... only) throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(PYTHON,
        "export-tools/make_tf_export_fixtures.py", "--out", dir.toString()));
    if (only.length > 0) {
      cmd.add("--only");
      cmd.addAll(java.util.List.of(only));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), "fixture script timed out");
    assertEquals(0, p.exitValue(), log);
  }

  /** inputs.json / outputs.json: ONNX name → TF tensor name, in file order. */
  static Map<String, String> names(Path fixture, String file) throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    Json.parseFlat(Files.readString(fixture.resolve(file))).forEach((k, v) -> m.put(k, (String) v));
    return m;
  }
}
