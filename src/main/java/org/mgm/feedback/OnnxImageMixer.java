package org.mgm.feedback;

import java.util.function.Supplier;
import org.mgm.gan.LeastSquaresLosses;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedModule;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * G_AB and D_B as two ONNX files (export-tools/convert_cyclegan.py): D_B is imported twice, on
 * G_AB(agent) and on real B images, sharing its variables.
 */
public record OnnxImageMixer(ModelProto generator, ModelProto critic) implements ImageMixer {
  @Override
  public long[] inputShape() {
    return OnnxInputs.firstShape(generator);
  }

  @Override
  public Attached attach(Graph graph, Ops tf, Operand<TFloat32> agentImages, Supplier<Operand<TFloat32>> realB) {
    ImportedModule gab = ImportedModule.onnx(graph, generator, ImportOptions.frozen("mixer_g"), "mixer G_AB");
    ImportedModule db = ImportedModule.onnx(graph, critic,
        ImportOptions.frozen("mixer_d").withInitializers(InitializerPolicy.allTrainable()), "mixer D_B");
    Operand<TFloat32> fake = db.apply(gab.apply(agentImages));
    Operand<TFloat32> real = db.apply(realB.get());
    return new Attached(fake, LeastSquaresLosses.critic(tf, real, fake), db.parameters());
  }
}
