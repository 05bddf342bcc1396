/**
 * ONNX graphs into TF graphs with gradients: the importer core (values known at import time are
 * folded, the rest become TF ops), options (frozen, trainable, bound inputs, element types), and
 * the registry of op handlers keyed by op and since-version range.
 */
package org.mgm.onnx.importer;
