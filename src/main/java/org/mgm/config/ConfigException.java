package org.mgm.config;

/** A config problem, one line naming the file and the dotted key. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
