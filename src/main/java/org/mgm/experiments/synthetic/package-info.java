/**
 * The paper's first experiment (Tables 1 and 4): Swiss roll and Gaussian agents, mixer
 * pretraining, baseline against MGM, W1 tables.
 */
package org.mgm.experiments.synthetic;
