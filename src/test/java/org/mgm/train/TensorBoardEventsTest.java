package org.mgm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.cli.Main;
import org.mgm.runtime.Json;
import org.mgm.runtime.TfPythonEnv;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/** A synthetic run's TensorBoard log, read back by TensorBoard's own event reader. */
class TensorBoardEventsTest {
  @TempDir
  Path tmp;

  @Test
  void tensorBoardReadsTheScalarsAndImagesOfASyntheticRun() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    int code = Main.run(new String[] {"synthetic", "run", "--scenario", "low-32", "--method", "combined", "--beta",
        "0.7", "--quick", "--set", "agent.iterations=40", "--set", "eval.log_every=10", "--out", tmp.toString()});
    assertEquals(0, code);
    Path run;
    try (Stream<Path> s = Files.list(tmp)) {
      run = s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    String script = """
        import json, sys
        from tensorboard.backend.event_processing import event_accumulator as ea
        acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.IMAGES: 0})
        acc.Reload()
        tags = acc.Tags()
        out = {"scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags["scalars"]},
               "images": {t: [[e.step, e.width, e.height] for e in acc.Images(t)] for t in tags["images"]}}
        print(json.dumps(out))
        """;
    Path py = tmp.resolve("read_events.py");
    Files.writeString(py, script);
    ProcessBuilder pb = new ProcessBuilder(TfPythonEnv.interpreter().toString(), py.toString(), run.toString())
        .redirectErrorStream(false);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertEquals(0, p.waitFor(), err);
    Map<String, Object> read = Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
    Map<?, ?> scalars = (Map<?, ?>) read.get("scalars");
    // The metrics.csv columns at iterations 10..40, as metrics.csv has them.
    List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
    String[] header = csv.get(0).split(",");
    for (int k = 1; k < header.length; k++) {
      List<?> series = (List<?>) scalars.get(header[k]);
      assertEquals(4, series.size(), header[k] + " in " + scalars.keySet());
      for (int r = 0; r < 4; r++) {
        String[] row = csv.get(r + 1).split(",");
        List<?> point = (List<?>) series.get(r);
        assertEquals(Integer.parseInt(row[0]), ((Number) point.get(0)).intValue());
        assertEquals(Double.parseDouble(row[k]), ((Number) point.get(1)).doubleValue(),
            1e-5 * Math.max(1, Math.abs(Double.parseDouble(row[k]))), header[k]);
      }
    }
    Map<String, Object> result = Json.parse(Files.readString(run.resolve("result.json")));
    double w1 = ((Number) ((Map<?, ?>) result.get("w1_exact")).get("mean")).doubleValue();
    List<?> w1Series = (List<?>) scalars.get("eval/w1_exact_mean");
    assertEquals(1, w1Series.size());
    assertEquals(w1, ((Number) ((List<?>) w1Series.get(0)).get(1)).doubleValue(), 1e-6 * w1);
    // TF's image summary kernel names one image of tag T "T/image".
    Map<?, ?> imageTags = (Map<?, ?>) read.get("images");
    List<?> images = (List<?>) imageTags.get("samples/scatter/image");
    assertTrue(images != null && images.size() == 1, "image tags " + imageTags);
    assertTrue(((Number) ((List<?>) images.get(0)).get(1)).intValue() > 100, "scatter width");
  }
}
