package org.mgm.onnx.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.ProcessMemory;
import org.mgm.runtime.SessionSettings;
import org.mgm.runtime.Sessions;
import org.mgm.tensor.HostTensor;

/**
 * One engine's figures for `mgm bench-import`: TF (import time, forward, forward+backward to the
 * input through the frozen import) or ONNX Runtime (forward). Each engine runs in its own JVM so
 * that the peak memory it reports is its own.
 */
public final class ImportBenchmark {
  private ImportBenchmark() {}

  /**
   * @param trace also trace one forward + backward run with TF's step stats (the trace_* fields:
   *     kernel time per op type and the peak of live tensor bytes, see {@link StepStatsSummary})
   */
  public static Map<String, Object> tf(Path model, long batch, int iterations, int warmup,
      org.mgm.onnx.importer.ConvLayout layout, boolean trace) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    // Loads the TF runtime (about 0.3 s here) before the clock starts: import_ms is the model's.
    r.put("engine", "tensorflow-java " + org.tensorflow.TensorFlow.version() + " " + layout);
    long t0 = System.nanoTime();
    ModelProto m = OnnxModelFile.read(model);
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("bench").withConvLayout(layout),
        model.toString())) {
      r.put("import_ms", (System.nanoTime() - t0) / 1e6);
      r.putAll(timeForwardBackward(s, randomInput(m, batch), iterations, warmup, trace));
    }
    return r;
  }

  /**
   * forward_ms, forward_backward_ms (to the input, cotangent of ones) and peak_rss_mb of an
   * imported session, plus the trace_* fields when {@code trace}.
   */
  private static Map<String, Object> timeForwardBackward(ImportedSession s, HostTensor x, int iterations, int warmup,
      boolean trace) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    String input = s.imported().inputs().keySet().iterator().next();
    String output = s.imported().outputs().keySet().iterator().next();
    Map<String, HostTensor> in = Map.of(input, x);
    r.put("forward_ms", org.mgm.runtime.MedianTime.millis(() -> s.infer(in), iterations, warmup));
    var vj = s.vectorJacobian(output, List.of(input));
    HostTensor ones = ones(s.infer(in).get(output).shape());
    r.put("forward_backward_ms", org.mgm.runtime.MedianTime.millis(() -> s.runVectorJacobian(vj, in, ones), iterations, warmup));
    // after the timed runs, so that tracing's own bookkeeping is not in the peak RSS of those
    r.put("peak_rss_mb", ProcessMemory.peakRssMb());
    if (trace) {
      r.putAll(s.traceVectorJacobian(vj, in, ones).toMap(8));
    }
    return r;
  }

  /**
   * The same figures for a TF model (SavedModel, MetaGraph + checkpoint, frozen GraphDef): loading
   * and importing {@code output} frozen, its forward pass, and forward + gradient to its input.
   */
  public static Map<String, Object> tfModel(Path model, String output, long batch, int iterations, int warmup,
      boolean trace) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("engine", "tensorflow-java " + org.tensorflow.TensorFlow.version() + " (TF graph import)");
    long t0 = System.nanoTime();
    try (org.mgm.tf.TfModel tf = org.mgm.tf.TfModel.open(model, org.mgm.tf.TfModel.DEFAULT_SIGNATURE);
        ImportedSession s = new ImportedSession((g, o) -> org.mgm.tf.TfGraphImporter.importModel(g, tf, o),
            ImportOptions.frozen("bench").withOutputs(List.of(output)))) {
      r.put("import_ms", (System.nanoTime() - t0) / 1e6);
      String input = s.imported().inputs().keySet().iterator().next();
      long[] dims = s.imported().inputs().get(input).shape().asArray();
      dims[0] = batch;
      r.putAll(timeForwardBackward(s, HostTensor.standardNormal(dims, new Random(0)), iterations, warmup, trace));
    }
    return r;
  }

  /**
   * How far the forward output of sessions with {@code settings} lies from that of plain sessions
   * (the toolkit's defaults) on the same random input: the largest absolute difference over the
   * largest magnitude of the plain output. What XLA's speed costs in accuracy.
   */
  public static double relativeDifferenceFromPlain(Path model, long batch, SessionSettings settings) throws IOException {
    ModelProto m = OnnxModelFile.read(model);
    HostTensor x = randomInput(m, batch);
    SessionSettings before = Sessions.settings();
    try {
      Sessions.use(SessionSettings.DEFAULT.toBuilder().threads(settings.threads()).build());
      double[] plain = forwardOf(m, model, x);
      Sessions.use(settings);
      double[] tried = forwardOf(m, model, x);
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < plain.length; i++) {
        scale = Math.max(scale, Math.abs(plain[i]));
        worst = Math.max(worst, Math.abs(plain[i] - tried[i]));
      }
      return worst / scale;
    } finally {
      Sessions.use(before);
    }
  }

  private static double[] forwardOf(ModelProto m, Path model, HostTensor x) {
    try (ImportedSession s = new ImportedSession(m, ImportOptions.frozen("bench"), model.toString())) {
      String input = s.imported().inputs().keySet().iterator().next();
      String output = s.imported().outputs().keySet().iterator().next();
      return s.infer(Map.of(input, x)).get(output).toDoubles();
    }
  }

  public static Map<String, Object> ort(Path model, long batch, int iterations, int warmup) throws IOException {
    ModelProto m = OnnxModelFile.read(model);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("engine", "onnxruntime");
    long t0 = System.nanoTime();
    try (OrtModel ort = OrtModel.open(model, OrtModel.Device.CPU)) {
      r.put("import_ms", (System.nanoTime() - t0) / 1e6);
      Map<String, HostTensor> in = Map.of(ort.inputNames().get(0), randomInput(m, batch));
      r.put("forward_ms", org.mgm.runtime.MedianTime.millis(() -> ort.run(in), iterations, warmup));
    }
    r.put("peak_rss_mb", ProcessMemory.peakRssMb());
    return r;
  }

  static HostTensor randomInput(ModelProto m, long batch) {
    var dims = m.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
    long[] shape = dims.stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : batch).toArray();
    shape[0] = batch;
    return HostTensor.standardNormal(shape, new Random(0));
  }

  private static HostTensor ones(long[] shape) {
    float[] v = new float[Math.toIntExact(HostTensor.elementCount(shape))];
    Arrays.fill(v, 1f);
    return HostTensor.of(v, shape);
  }

}
