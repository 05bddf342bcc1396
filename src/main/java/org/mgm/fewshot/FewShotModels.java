package org.mgm.fewshot;

import org.mgm.onnx.proto.OnnxModelProto.ModelProto;

/**
 * The networks of a few-shot MGM run: the agent (StyleGAN2 G and D as ONNX, adapted) and the
 * mixer (CycleGAN G_AB frozen, D_B fine-tuned; ONNX pair or TF1 checkpoint), null for baselines.
 */
public record FewShotModels(ModelProto agentG, ModelProto agentD, ImageMixer mixer) {
  /** An ONNX mixer pair, or none (both null) for baselines. */
  public FewShotModels(ModelProto agentG, ModelProto agentD, ModelProto mixerG, ModelProto mixerD) {
    this(agentG, agentD, mixerG == null || mixerD == null ? null : new OnnxImageMixer(mixerG, mixerD));
  }

  public static String firstInput(ModelProto m) {
    java.util.Set<String> inits = new java.util.HashSet<>();
    m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
    return m.getGraph().getInputList().stream().map(v -> v.getName()).filter(n -> !inits.contains(n)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the model has no input"));
  }

  public static long[] inputShape(ModelProto m) {
    String name = firstInput(m);
    var v = m.getGraph().getInputList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
    return v.getType().getTensorType().getShape().getDimList().stream()
        .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray();
  }
}
