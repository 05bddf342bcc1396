package org.mgm.eval;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;

/**
 * The feature extractor of FID/KID, given as ONNX (InceptionV3 pool3 exported by export-tools, or
 * the demo's small network): images [N, 3, H, W] in [-1, 1] in, one feature vector per image out.
 * Outputs of shape [N, d] or [N, d, 1, 1] are accepted; anything else is refused naming the file.
 */
public final class FeatureNetwork implements AutoCloseable {
  private final Path file;
  private final OrtModel model;
  private final String input;

  public FeatureNetwork(Path file) {
    this.file = file;
    this.model = OrtModel.open(file, OrtModel.Device.CPU);
    this.input = model.inputNames().get(0);
  }

  /** Features of all images, computed in batches of {@code batch}. */
  public double[][] features(HostTensor images, int batch) {
    long[] s = images.shape();
    int n = (int) s[0];
    int per = (int) (images.size() / n);
    double[][] out = new double[n][];
    float[] all = images.floats();
    for (int start = 0; start < n; start += batch) {
      int count = Math.min(batch, n - start);
      float[] chunk = Arrays.copyOfRange(all, start * per, (start + count) * per);
      long[] shape = s.clone();
      shape[0] = count;
      HostTensor y = model.run(Map.of(input, HostTensor.of(chunk, shape))).values().iterator().next();
      long[] ys = y.shape();
      boolean flat = ys.length == 2 || (ys.length == 4 && ys[2] == 1 && ys[3] == 1);
      if (!flat || ys[0] != count) {
        throw new OnnxFormatException(file + ": a feature network must output [N, d] or [N, d, 1, 1], this one gives "
            + Arrays.toString(ys) + " for " + count + " images");
      }
      int d = (int) ys[1];
      double[] v = y.toDoubles();
      for (int i = 0; i < count; i++) {
        out[start + i] = Arrays.copyOfRange(v, i * d, (i + 1) * d);
      }
    }
    return out;
  }

  @Override
  public void close() {
    model.close();
  }
}
