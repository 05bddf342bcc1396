/**
 * Evaluation metrics: exact and entropic W1, FID and KID on a feature network, ACE.
 */
package org.mgm.eval;
