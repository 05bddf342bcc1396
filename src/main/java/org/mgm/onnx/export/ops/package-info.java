/**
 * The TF-to-ONNX op handlers, one class per op family.
 */
package org.mgm.onnx.export.ops;
