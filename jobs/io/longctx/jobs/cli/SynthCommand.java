package io.longctx.jobs.cli;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.transforms.synth.SynthConfig;
import io.longctx.transforms.synth.SynthGenerator;
import io.longctx.transforms.synth.SynthSummary;
import io.longctx.transforms.synth.SynthWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/**
 * {@code longctx synth}: writes the synthetic train and held-out JSONL files under the warehouse and prints a
 * one-line JSON summary on stdout.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = {
      "Generate the synthetic long-document QA set (deterministic from synth.seed):",
      "  <warehouse>/<synth.output>/train.jsonl    synth.samples records",
      "  <warehouse>/<synth.output>/heldout.jsonl  synth.heldout-samples records",
      "  <warehouse>/<synth.output>/manifest.json  the synth config and the summary",
      "Prints a JSON summary (counts per task and per length band) on stdout.",
      "Knobs (--set synth.KEY=VALUE): task-weights, length-bands, prompt-overhead,",
      "distractor-similarity (0-2), distractors-per-kchar, hops (1-5),",
      "hop-distance (0-1), docmath-ops, docmath-terms (2-4).",
      "Example: bin/longctx synth --set synth.hops=3"
    })
public final class SynthCommand extends ConfiguredCommand {
  @Override
  protected int run(LongctxConfig config) throws Exception {
    SynthConfig synth = config.synth();
    Path out = Path.of(synth.output());
    Path dir = out.isAbsolute() ? out : warehouse().dir(synth.output());
    System.err.println("longctx synth: writing " + synth.samples() + " train and " + synth.heldoutSamples()
        + " held-out records to " + dir);
    SynthSummary summary = SynthWriter.writeAll(SynthGenerator.of(synth), dir);
    System.out.println(summary.toJson());
    return 0;
  }
}
