package org.mgm.experiments.synthetic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mgm.mgm.FrozenMixer;
import org.mgm.mgm.OnnxMixer;
import org.mgm.savedmodel.SavedModelMixer;

/** Opens a pretrained synthetic mixer from a SavedModel directory or an ONNX file. */
public final class MixerFiles {
  private MixerFiles() {}

  public static FrozenMixer open(Path path) throws IOException {
    if (Files.isRegularFile(path) && path.toString().endsWith(".onnx")) {
      return OnnxMixer.load(path, 2 * SyntheticSetup.DIM, SyntheticSetup.DIM);
    }
    return SavedModelMixer.load(path, 2 * SyntheticSetup.DIM, SyntheticSetup.DIM);
  }
}
