/**
 * Trainings as data: phases and their schedule, named metrics, the loop that runs a training with
 * metrics.csv, TensorBoard events and checked checkpoints, and the state a resume restores.
 */
package org.mgm.train;
