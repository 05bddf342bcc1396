package org.mgm.onnx.importer;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.mgm.model.FrozenWeights;
import org.mgm.model.Parameter;
import org.mgm.model.ResourceVariables;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/**
 * A weight reparameterised as U diag(λ ⊙ s) Vᵀ (FSGAN, see {@link InitializerPolicy}):
 * the SVD runs once here, in double precision; the graph holds U·diag(s) and Vᵀ as frozen values
 * and λ as the only trainable tensor.
 *
 * @param lambda the trainable singular-value scales
 * @param weight the reconstructed weight in the initializer's original shape, for the graph and
 *     for writing the adapted weight back to ONNX
 */
record SingularValueLayer(Parameter lambda, Output<?> weight) {
  static SingularValueLayer create(Ops ops, TfEmitter tf, String owner, String name, String leaf, HostTensor value,
      WeightBinding.Layout layout) {
    long[] shape = value.shape();
    if (shape.length < 2) {
      throw new OnnxFormatException("weight '" + name + "' has shape " + java.util.Arrays.toString(shape)
          + "; singular values need a matrix or a conv kernel");
    }
    // The matrix is [leading axes, trailing axes]: [out, in·k·k] for ONNX, [k·k·in, out] for TF.
    // rosinality keeps a leading 1 on modulated conv kernels, [1, out, in, k, k]: rows = 1·out.
    int rowAxes = layout == WeightBinding.Layout.OUT_LAST ? shape.length - 1 : shape[0] == 1 && shape.length == 5 ? 2 : 1;
    int rows = (int) HostTensor.elementCount(java.util.Arrays.copyOf(shape, rowAxes));
    int cols = (int) (HostTensor.elementCount(shape) / rows);
    double[] w = value.toDoubles();
    DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, w);
    SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, true, true, true);
    if (!svd.decompose(m)) {
      throw new OnnxFormatException("SVD of weight '" + name + "' failed");
    }
    DMatrixRMaj u = svd.getU(null, false);
    DMatrixRMaj vt = svd.getV(null, true);
    double[] s = svd.getSingularValues();
    int r = svd.numberOfSingularValues();
    // U·diag(s) as one constant: then W′ = (U·diag(s)) · diag(λ) · Vᵀ = ((U·diag(s)) ⊙ λ) · Vᵀ.
    float[] us = new float[rows * r];
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < r; k++) {
        us[i * r + k] = (float) (u.get(i, k) * s[k]);
      }
    }
    float[] vtf = new float[r * cols];
    for (int k = 0; k < r; k++) {
      for (int j = 0; j < cols; j++) {
        vtf[k * cols + j] = (float) vt.get(k, j);
      }
    }
    float[] ones = new float[r];
    java.util.Arrays.fill(ones, 1f);
    Parameter lambda = ResourceVariables.create(ops, owner, leaf + "_lambda_s",
        NdArrays.wrap(Shape.of(r), DataBuffers.of(ones, true, false)));
    Output<?> scaled = tf.op("Mul", frozen(ops, tf, leaf + "_us", HostTensor.of(us, rows, r)),
        lambda.value().asOutput());
    Output<?> flat = tf.op("MatMul", scaled, frozen(ops, tf, leaf + "_vt", HostTensor.of(vtf, r, cols)));
    return new SingularValueLayer(lambda, tf.reshape(flat, tf.int64s(shape)));
  }

  /**
   * A fixed factor: as large as the weight it came from, so from {@link FrozenWeights#MIN_ELEMENTS}
   * on it is a variable fed once per session rather than a Const that every executor copies.
   */
  private static Output<?> frozen(Ops ops, TfEmitter tf, String leaf, HostTensor value) {
    if (value.size() < FrozenWeights.MIN_ELEMENTS) {
      return tf.constant(value);
    }
    return FrozenWeights.of((Graph) ops.scope().env()).add(ops.scope(), leaf, value.toTf()).read();
  }
}
