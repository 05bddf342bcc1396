/**
 * {@link org.mgm.tensor.HostTensor}, the tensor on the Java side shared by every format, its
 * element types, and .npy and TF TensorProto conversion.
 */
package org.mgm.tensor;
