package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.longctx.jobs.config.LongctxConfig;
import picocli.CommandLine.Command;

/** Prints the effective configuration (defaults, then the file, then --set) as YAML. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Print the effective configuration after the file and --set overrides are applied.")
public final class ConfigCommand extends ConfiguredCommand {
  @Override
  protected int run(LongctxConfig config) throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    System.out.print(yaml.writeValueAsString(config));
    return 0;
  }
}
