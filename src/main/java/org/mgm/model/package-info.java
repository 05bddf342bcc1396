/**
 * Networks built in Java inside a TF graph: layers ({@link org.mgm.model.Linear}, {@link
 * org.mgm.model.Lstm}, {@link org.mgm.model.BatchNorm}, …), the MLP the paper uses, resource-
 * variable parameters grouped per network ({@link org.mgm.model.ParameterList}), the toolkit's own
 * Adam ({@link org.mgm.model.AdamOptimizer}), and the Java-registered gradients TF's C++ registry
 * lacks ({@link org.mgm.model.SecondOrderGradients}).
 */
package org.mgm.model;
