package org.mgm.onnx.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import org.mgm.model.MlpWeights;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.tf.MlpSavedModelExporter;
import org.mgm.tf.TfModel;

/**
 * A trained MLP as an ONNX file for ONNX Runtime. It goes through the SavedModel the toolkit
 * writes anyway (so the ONNX is what {@code mgm export} makes of that SavedModel, one path to
 * test); without {@code savedModel} the SavedModel lives in a temporary directory.
 */
public final class MlpOnnxExport {
  private MlpOnnxExport() {}

  /**
   * @param inputs signature input name → width, in concatenation order
   * @param savedModel where to keep the SavedModel too, or null
   */
  public static void write(Path onnx, MlpWeights weights, LinkedHashMap<String, Integer> inputs, String output,
      Path savedModel) throws IOException {
    Path dir = savedModel != null ? savedModel
        : Files.createTempDirectory(onnx.toAbsolutePath().getParent(), ".mlp-savedmodel");
    try {
      MlpSavedModelExporter.export(dir, weights, inputs, output);
      try (TfModel saved = TfModel.open(dir, MlpSavedModelExporter.SIGNATURE)) {
        OnnxModelFile.write(onnx, TfModelToOnnx.convert(saved));
      }
    } finally {
      if (savedModel == null) {
        MlpSavedModelExporter.deleteTree(dir);
      }
    }
  }
}
