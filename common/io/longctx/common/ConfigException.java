package io.longctx.common;

/** A configuration problem: names the offending key, what was wrong, and what is allowed. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super("Invalid config key '" + key + "': " + message);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
