/**
 * The ONNX op handlers, one class per op family; each deviation from the ONNX definition or from
 * the obvious TF op is commented with its reason.
 */
package org.mgm.onnx.importer.ops;
