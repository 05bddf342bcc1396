/**
 * Experiment configuration: a YAML file read and checked before any work, profiles ({@code
 * --quick}, {@code --profile NAME}) and {@code --set key=value} overrides, every error naming file
 * and key.
 */
package org.mgm.config;
