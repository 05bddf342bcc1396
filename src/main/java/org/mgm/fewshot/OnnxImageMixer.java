package org.mgm.fewshot;

import java.util.Map;
import java.util.function.Supplier;
import org.mgm.gan.LeastSquaresLosses;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.OnnxImporter;
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
    return FewShotModels.inputShape(generator);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Attached attach(Graph graph, Ops tf, Operand<TFloat32> agentImages, Supplier<Operand<TFloat32>> realB) {
    OnnxImporter importer = new OnnxImporter();
    ImportedGraph gab = importer.importModel(graph, generator, ImportOptions.frozen("mixer_g")
        .withBindings(Map.of(FewShotModels.firstInput(generator), agentImages)), "mixer G_AB");
    String dbInput = FewShotModels.firstInput(critic);
    ImportOptions dbOptions = ImportOptions.frozen("mixer_d").withInitializers(InitializerPolicy.allTrainable());
    ImportedGraph dbFake = importer.importModel(graph, critic,
        dbOptions.withBindings(Map.of(dbInput, (Operand<TFloat32>) gab.output())), "mixer D_B");
    ImportedGraph dbReal = importer.importModel(graph, critic, dbOptions.withScope("mixer_d_real")
        .withBindings(Map.of(dbInput, realB.get())).withShared(dbFake.parameterOperands()), "mixer D_B");
    Operand<TFloat32> fake = (Operand<TFloat32>) dbFake.output();
    return new Attached(fake, LeastSquaresLosses.critic(tf, (Operand<TFloat32>) dbReal.output(), fake), dbFake.trainable());
  }
}
