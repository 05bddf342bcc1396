/**
 * Few-shot adaptation methods (FSGAN, FreezeD) and the StyleGAN2 layers they adapt.
 */
package org.mgm.adapt;
