package org.mgm.experiments.fewshot;

import org.mgm.feedback.ImageMixer;
import org.mgm.feedback.OnnxImageMixer;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.HostTensor;

/**
 * The networks of a few-shot MGM run: the agent (StyleGAN2 G and D as ONNX, adapted) and the
 * mixer (CycleGAN G_AB frozen, D_B fine-tuned; ONNX pair or TF1 checkpoint), null for baselines.
 */
public record FewShotModels(ModelProto agentG, ModelProto agentD, ImageMixer mixer) {
  /** An ONNX mixer pair, or none (both null) for baselines. */
  public FewShotModels(ModelProto agentG, ModelProto agentD, ModelProto mixerG, ModelProto mixerD) {
    this(agentG, agentD, mixerG == null || mixerD == null ? null : new OnnxImageMixer(mixerG, mixerD));
  }

  /** Width of the agent's latent z (the last axis of its first input). */
  public long latentWidth() {
    long[] s = OnnxInputs.firstShape(agentG);
    return s[s.length - 1];
  }

  /** Seeded N(0, I) latents for the agent. */
  public HostTensor latents(int n, long seed) {
    return HostTensor.standardNormal(seed, n, latentWidth());
  }
}
