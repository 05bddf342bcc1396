/**
 * TF graphs to ONNX: a handler per TF op (in {@code ops}), the graph walk that uses them, and the
 * trained-MLP export ({@link org.mgm.onnx.export.MlpOnnxExport}).
 */
package org.mgm.onnx.export;
