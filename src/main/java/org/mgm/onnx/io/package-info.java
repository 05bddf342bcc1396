/**
 * Reading and writing ONNX files as untrusted input: size and structure checks, external data,
 * tensors to and from {@link org.mgm.tensor.HostTensor}.
 */
package org.mgm.onnx.io;
