/**
 * Tables of trainings: cells, the engines that run them (one after another here, Spark in the
 * {@code -Pspark} build), and completion records that let a table resume.
 */
package org.mgm.sweep;
