package org.mgm.model;

/**
 * Adam's hyperparameters, as one value: every optimizer of a run is described by one of these
 * (the papers give them as a triple, e.g. 1e-4 with β = (0.5, 0.9)).
 */
public record AdamSettings(float learningRate, float beta1, float beta2, float epsilon) {
  public AdamSettings {
    if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException("Adam needs lr > 0, 0 ≤ β < 1 and ε > 0, got lr " + learningRate + ", β ("
          + beta1 + ", " + beta2 + "), ε " + epsilon);
    }
  }

  /** With TF's and PyTorch's ε = 1e-8. */
  public static AdamSettings of(float learningRate, float beta1, float beta2) {
    return new AdamSettings(learningRate, beta1, beta2, 1e-8f);
  }

  public AdamSettings withLearningRate(float lr) {
    return new AdamSettings(lr, beta1, beta2, epsilon);
  }
}
