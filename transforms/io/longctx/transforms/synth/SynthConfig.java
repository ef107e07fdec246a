package io.longctx.transforms.synth;

import io.longctx.common.Check;

/**
 * The {@code synth} config section: the deterministic synthetic long-document QA generator.
 *
 * @param seed the generator seed; the same seed always produces the same records
 * @param samples how many records to generate
 * @param output where {@code longctx synth} writes its JSONL (relative paths resolve under the warehouse)
 */
public record SynthConfig(long seed, int samples, String output) {

  public static SynthConfig defaults() {
    return new SynthConfig(42L, 2000, "synth/synth.jsonl");
  }

  public void validate() {
    Check.positive("synth.samples", samples);
    Check.notBlank("synth.output", output);
  }
}
