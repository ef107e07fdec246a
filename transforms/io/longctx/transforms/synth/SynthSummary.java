package io.longctx.transforms.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What {@link SynthWriter} wrote: per split, the file, the record count, counts per task and per length band,
 * and document-length statistics.
 *
 * @param seed the generator seed
 * @param seconds wall time of generation and writing
 * @param train the training split
 * @param heldout the held-out split
 */
public record SynthSummary(long seed, double seconds, Split train, Split heldout) {
  static final ObjectMapper SNAKE = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** The summary as one line of JSON with snake_case keys (what {@code longctx synth} prints). */
  public String toJson() {
    try {
      return SNAKE.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One written split.
   *
   * @param path the JSONL file
   * @param records number of records (lines)
   * @param bytes file size in bytes
   * @param tasks records per data source, in task order
   * @param lengthBands records per configured length band ({@code min-max} of the estimated prompt bytes)
   * @param docChars minimum, mean and maximum document length in characters
   */
  public record Split(
      String path,
      int records,
      long bytes,
      Map<String, Integer> tasks,
      Map<String, Integer> lengthBands,
      DocChars docChars) {}

  /** Document length statistics in characters. */
  public record DocChars(int min, double mean, int max) {}
}
