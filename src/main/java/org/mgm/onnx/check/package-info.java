/**
 * Checks on an imported model: running it in a TF session, gradients against finite differences,
 * import benchmarks and step statistics.
 */
package org.mgm.onnx.check;
