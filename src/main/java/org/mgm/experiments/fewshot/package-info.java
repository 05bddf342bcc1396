/**
 * Few-shot image adaptation (Tables 3 and 5): FSGAN and FreezeD agents with mixer feedback, FID
 * and KID.
 */
package org.mgm.experiments.fewshot;
