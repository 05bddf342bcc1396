/**
 * Process-level plumbing the other packages share: TF sessions and their config ({@link
 * org.mgm.runtime.Sessions}), run directories and their locks, atomic file writes, progress lines,
 * plots and image grids, child JVMs for risky native paths, and where the optional Python tools
 * live.
 */
package org.mgm.runtime;
