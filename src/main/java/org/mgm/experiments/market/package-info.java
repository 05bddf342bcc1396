/**
 * A GAN calibration of a market simulator's trader parameters, against the simulated paths'
 * moments.
 */
package org.mgm.experiments.market;
