package org.mgm.experiments.synthetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mgm.mgm.FrozenMixer;
import org.mgm.mgm.MixerSignature;
import org.mgm.mgm.OnnxMixer;
import org.mgm.mgm.TfMixer;

/** Opens a pretrained synthetic mixer from an ONNX file or any TF format (a SavedModel directory, usually). */
public final class MixerFiles {
  private MixerFiles() {}

  /**
   * @param names how a TF mixer's signature is bound (ONNX mixers use the toolkit's own names)
   */
  public static FrozenMixer open(Path path, MixerSignature names) throws IOException {
    if (Files.isRegularFile(path) && path.toString().endsWith(".onnx")) {
      return OnnxMixer.load(path, 2 * SyntheticSetup.DIM, SyntheticSetup.DIM);
    }
    return TfMixer.load(path, names, 2 * SyntheticSetup.DIM, SyntheticSetup.DIM);
  }
}
