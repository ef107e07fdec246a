package io.longctx.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.train.EntropyControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The AEPO gate's state stored beside a step's weights ({@value #FILE} in the checkpoint directory), so a resumed run
 * continues with the gate where the last committed step left it. A checkpoint without the file (the SFT result, a
 * run without AEPO, an older checkpoint) starts with the gate open.
 */
public final class EntropyControlState {
  public static final String FILE = "rl_state.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EntropyControlState() {}

  public static EntropyControl.AepoState read(Path checkpointDir) {
    Path f = checkpointDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return EntropyControl.AepoState.OPEN;
    }
    try {
      JsonNode n = JSON.readTree(f.toFile());
      JsonNode masked = n == null ? null : n.get("aepo_negatives_masked");
      if (masked == null || !masked.isBoolean()) {
        throw new IllegalStateException(f + " has no boolean 'aepo_negatives_masked': " + n);
      }
      return new EntropyControl.AepoState(masked.booleanValue());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the AEPO state " + f, e);
    }
  }

  public static void write(Path checkpointDir, EntropyControl.AepoState state) {
    try {
      Files.createDirectories(checkpointDir);
      Files.writeString(checkpointDir.resolve(FILE),
          "{\"aepo_negatives_masked\": " + state.negativesMasked() + "}\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the AEPO state into " + checkpointDir, e);
    }
  }
}
