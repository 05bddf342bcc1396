package org.mgm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.runtime.Json;
import org.mgm.runtime.TfPythonEnv;

/**
 * A run directory's TensorBoard log as TensorBoard itself reads it: its {@code EventAccumulator}
 * in the TF venv, with its defaults (purge of orphaned data on), and once more with the purge off
 * (every event the files hold).
 */
public final class TensorBoardLog {
  /** One scalar or image event: its step, and the scalar's value (an image's width). */
  public record Point(long step, double value) {}

  /**
   * @param scalars tag → points, as TensorBoard shows them
   * @param images tag → points (value: the image's width)
   * @param scalarsUnpurged tag → points, with TensorBoard's purge switched off
   */
  public record Read(Map<String, List<Point>> scalars, Map<String, List<Point>> images,
      Map<String, List<Point>> scalarsUnpurged) {}

  private static final String SCRIPT = """
      import json, sys
      from tensorboard.backend.event_processing import event_accumulator as ea
      def load(purge):
          acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.IMAGES: 0},
                                    purge_orphaned_data=purge)
          acc.Reload()
          return acc
      acc = load(True)
      raw = load(False)
      tags = acc.Tags()
      out = {"scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags["scalars"]},
             "images": {t: [[e.step, e.width] for e in acc.Images(t)] for t in tags["images"]},
             "scalars_unpurged": {t: [[e.step, e.value] for e in raw.Scalars(t)] for t in raw.Tags()["scalars"]}}
      print(json.dumps(out))
      """;

  private TensorBoardLog() {}

  /** The events under {@code dir}; needs the TF venv (a missing one skips, or fails under CI). */
  public static Read read(Path dir) throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    Path py = Files.createTempFile("read_events", ".py");
    try {
      Files.writeString(py, SCRIPT);
      ProcessBuilder pb = new ProcessBuilder(TfPythonEnv.interpreter().toString(), py.toString(), dir.toString());
      pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
      Path err = Files.createTempFile("read_events", ".err");
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      int code = p.waitFor();
      String errText = Files.readString(err);
      Files.delete(err);
      assertEquals(0, code, errText);
      Map<String, Object> read = Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
      return new Read(points(read.get("scalars")), points(read.get("images")), points(read.get("scalars_unpurged")));
    } finally {
      Files.deleteIfExists(py);
    }
  }

  private static Map<String, List<Point>> points(Object tags) {
    Map<String, List<Point>> m = new LinkedHashMap<>();
    ((Map<?, ?>) tags).forEach((tag, list) -> m.put(tag.toString(), ((List<?>) list).stream().map(o -> {
      List<?> pair = (List<?>) o;
      return new Point(((Number) pair.get(0)).longValue(), ((Number) pair.get(1)).doubleValue());
    }).toList()));
    return m;
  }

  /** The steps of {@code points}, in the order read. */
  public static List<Long> steps(List<Point> points) {
    return points.stream().map(Point::step).toList();
  }
}
