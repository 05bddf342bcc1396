/**
 * The paper's time-series experiment (Table 2): COT-GAN agents and mixer on price/demand windows,
 * ACE.
 */
package org.mgm.experiments.timeseries;
