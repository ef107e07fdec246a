package io.longctx.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      description = "YAML config file (default: ${DEFAULT-VALUE}).",
      defaultValue = "conf/local.yaml")
  Path conf;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      description = "Root directory of the Delta tables; overrides the config's 'warehouse'.")
  String warehouse;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set train.group-size=8 (repeatable; wins over the file).")
  Map<String, String> overrides = new LinkedHashMap<>();
}
