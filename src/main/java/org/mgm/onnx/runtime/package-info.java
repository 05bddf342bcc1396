/**
 * ONNX Runtime sessions ({@link org.mgm.onnx.runtime.OrtModel}): serving trained agents and the
 * reference the TF import is checked against.
 */
package org.mgm.onnx.runtime;
