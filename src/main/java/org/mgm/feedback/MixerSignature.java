package org.mgm.feedback;

/**
 * How a mixer model's named inputs and output are bound: which signature input takes the mixer
 * noise z', which takes the agents' concatenated outputs x, and which output is y. The defaults
 * are the names {@code mgm synthetic pretrain-mixer} writes; a mixer saved elsewhere (a
 * {@code tf.Module} with inputs {@code z}, {@code x}) is bound by giving its own names.
 */
public record MixerSignature(String signature, String noise, String condition, String output) {
  public static final MixerSignature DEFAULT = builder().build();

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().signature(signature).noise(noise).condition(condition).output(output);
  }

  public static final class Builder {
    private String signature = "serving_default";
    private String noise = "noise";
    private String condition = "condition";
    private String output = "y";

    public Builder signature(String v) {
      signature = v;
      return this;
    }

    public Builder noise(String v) {
      noise = v;
      return this;
    }

    public Builder condition(String v) {
      condition = v;
      return this;
    }

    public Builder output(String v) {
      output = v;
      return this;
    }

    public MixerSignature build() {
      return new MixerSignature(signature, noise, condition, output);
    }
  }
}
