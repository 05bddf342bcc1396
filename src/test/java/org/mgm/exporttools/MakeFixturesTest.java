package org.mgm.exporttools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.onnx.OnnxFixtures;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * export-tools with real PyTorch: the fixture script reproduces the committed fixtures (same seed,
 * same torch), and what it exports imports into TF with torch's outputs. Runs where
 * /usr/bin/python3 has torch (CI installs python3-torch).
 */
class MakeFixturesTest {
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void scriptReproducesTheCommittedFixtures(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    for (String name : List.of("mlp", "cyclegan-patchgan")) {
      Process p = new ProcessBuilder(PYTHON, "export-tools/make_fixtures.py", "--out", tmp.toString(), "--only", name)
          .redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out");
      assertEquals(0, p.exitValue(), log);
      for (String f : List.of("input.npy", "output.npy", "grad_input.npy")) {
        HostTensor fresh = Npy.read(tmp.resolve(name).resolve(f));
        HostTensor committed = Npy.read(OnnxFixtures.file(name, f));
        // float32 results depend on the CPU's vector width (AVX2 vs AVX-512 sum in other orders):
        // the PatchGAN output made on an AVX2 machine is 1.2e-6 from the committed one.
        double bound = fresh.type() == org.mgm.tensor.ElementType.FLOAT32 ? 1e-5 : 1e-6;
        assertTrue(OnnxFixtures.relativeError(fresh, committed) < bound, name + "/" + f + " differs from the committed one");
      }
      try (ImportedSession s = new ImportedSession(OnnxModelFile.read(tmp.resolve(name).resolve("model-opset13.onnx")),
          ImportOptions.frozen("m"), name)) {
        HostTensor y = s.infer(java.util.Map.of("input", Npy.read(tmp.resolve(name).resolve("input.npy")))).get("output");
        assertTrue(OnnxFixtures.relativeError(y, Npy.read(tmp.resolve(name).resolve("output.npy"))) < 1e-5);
      }
    }
  }

  @Test
  void unknownFixtureNameIsAnError(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    Process p = new ProcessBuilder(PYTHON, "export-tools/make_fixtures.py", "--out", tmp.toString(), "--only", "nope")
        .redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), log);
    assertTrue(log.contains("nope") && log.contains("cyclegan-resnet"), log);
  }
}
