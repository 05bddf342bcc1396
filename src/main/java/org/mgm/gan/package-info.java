/**
 * GAN losses written once for every experiment: Wasserstein with gradient penalty, logistic, least
 * squares, and COT-GAN's Sinkhorn loss.
 */
package org.mgm.gan;
