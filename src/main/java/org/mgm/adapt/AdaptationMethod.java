package org.mgm.adapt;

import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.onnx.importer.InitializerPolicy.Kind;

/**
 * Which agent tensors few-shot adaptation trains, by the rosinality state-dict names that the
 * export-tools converters keep (with or without the wrapper's "g." prefix).
 *
 * <ul>
 *   <li>FSGAN (docs/fewshot.md): singular-value scales of G's mapping layers and synthesis 3×3
 *       modulated convs, and of D's residual-block convs, final conv and final linear layers;
 *       everything else frozen (ToRGB, modulations, biases, noise strengths, const input, D's
 *       FromRGB and skip convs).
 *   <li>FreezeD, the intended method, not the reference code's digit-matching quirk: all of
 *       G trains; D's FromRGB and its first {@code frozenBlocks} (input-side, high-resolution)
 *       residual blocks are frozen, the later blocks, final conv and linear layers train.
 *   <li>PRETRAIN: not few-shot; everything but the noise buffers and blur kernels trains. The demo
 *       pretrains its source-domain agent with it, through the same trainer.
 * </ul>
 */
public enum AdaptationMethod {
  FSGAN,
  FREEZED,
  PRETRAIN;

  private static final String PREFIX = "(.*\\.)?";

  public InitializerPolicy generatorPolicy() {
    if (this == FREEZED || this == PRETRAIN) {
      return InitializerPolicy.allFrozen().then(PREFIX + "noises\\..*", Kind.FROZEN).then(".*", Kind.TRAINABLE);
    }
    return InitializerPolicy.allFrozen()
        .then(PREFIX + "style\\.\\d+\\.weight", Kind.SINGULAR_VALUES)
        .then(PREFIX + "(conv1|convs\\.\\d+)\\.conv\\.weight", Kind.SINGULAR_VALUES);
  }

  public InitializerPolicy discriminatorPolicy(int frozenBlocks) {
    if (this == FSGAN) {
      return InitializerPolicy.allFrozen()
          .then(PREFIX + "convs\\.\\d+\\.conv[12]\\.\\d\\.weight", Kind.SINGULAR_VALUES)
          .then(PREFIX + "final_conv\\.0\\.weight", Kind.SINGULAR_VALUES)
          .then(PREFIX + "final_linear\\.\\d\\.weight", Kind.SINGULAR_VALUES);
    }
    if (this == PRETRAIN) {
      return InitializerPolicy.allFrozen().then(PREFIX + ".*\\.kernel", Kind.FROZEN).then(".*", Kind.TRAINABLE);
    }
    InitializerPolicy p = InitializerPolicy.allFrozen().then(PREFIX + "convs\\.0\\..*", Kind.FROZEN);
    for (int b = 1; b <= frozenBlocks; b++) {
      p = p.then(PREFIX + "convs\\." + b + "\\..*", Kind.FROZEN);
    }
    // Blur kernels are buffers, not parameters.
    return p.then(PREFIX + ".*\\.kernel", Kind.FROZEN).then(".*", Kind.TRAINABLE);
  }

  public static AdaptationMethod parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "fsgan" -> FSGAN;
      case "freezed" -> FREEZED;
      case "pretrain" -> PRETRAIN;
      default -> throw new IllegalArgumentException("unknown method '" + s + "' (expected fsgan, freezed or pretrain)");
    };
  }
}
