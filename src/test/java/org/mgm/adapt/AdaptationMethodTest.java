package org.mgm.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.InitializerPolicy.Kind;

/** Which rosinality tensors each method trains (spec §4.3, §4.4), by name. */
class AdaptationMethodTest {
  @Test
  void fsganFactorisesMappingAndSynthesisConvsOnly() {
    InitializerPolicy g = AdaptationMethod.FSGAN.generatorPolicy();
    assertEquals(Kind.SINGULAR_VALUES, g.kindOf("g.style.3.weight"));
    assertEquals(Kind.SINGULAR_VALUES, g.kindOf("g.convs.4.conv.weight"));
    assertEquals(Kind.SINGULAR_VALUES, g.kindOf("conv1.conv.weight"));
    assertEquals(Kind.FROZEN, g.kindOf("g.to_rgbs.1.conv.weight"), "ToRGB stays");
    assertEquals(Kind.FROZEN, g.kindOf("g.convs.4.conv.modulation.weight"), "style affine stays");
    assertEquals(Kind.FROZEN, g.kindOf("g.input.input"));
    InitializerPolicy d = AdaptationMethod.FSGAN.discriminatorPolicy(0);
    assertEquals(Kind.SINGULAR_VALUES, d.kindOf("convs.2.conv1.0.weight"));
    assertEquals(Kind.SINGULAR_VALUES, d.kindOf("final_linear.1.weight"));
    assertEquals(Kind.FROZEN, d.kindOf("convs.0.0.weight"), "FromRGB stays");
    assertEquals(Kind.FROZEN, d.kindOf("convs.2.skip.1.weight"), "skip convs stay");
  }

  @Test
  void freezeDFreezesInputSideBlocksAndPretrainTrainsEverythingButBuffers() {
    InitializerPolicy d = AdaptationMethod.FREEZED.discriminatorPolicy(2);
    assertEquals(Kind.FROZEN, d.kindOf("convs.0.0.weight"));
    assertEquals(Kind.FROZEN, d.kindOf("convs.2.conv2.1.weight"));
    assertEquals(Kind.TRAINABLE, d.kindOf("convs.3.conv1.0.weight"));
    assertEquals(Kind.TRAINABLE, d.kindOf("final_linear.0.weight"));
    assertEquals(Kind.FROZEN, d.kindOf("convs.3.conv2.0.kernel"), "blur kernels are buffers");
    assertEquals(Kind.TRAINABLE, AdaptationMethod.FREEZED.generatorPolicy().kindOf("g.to_rgbs.1.conv.weight"));
    assertEquals(Kind.FROZEN, AdaptationMethod.FREEZED.generatorPolicy().kindOf("g.noises.noise_3"));
    InitializerPolicy p = AdaptationMethod.PRETRAIN.discriminatorPolicy(2);
    assertEquals(Kind.TRAINABLE, p.kindOf("convs.0.0.weight"));
    assertEquals(Kind.FROZEN, p.kindOf("convs.1.conv2.0.kernel"));
    assertThrows(IllegalArgumentException.class, () -> AdaptationMethod.parse("fsgan2"));
  }
}
