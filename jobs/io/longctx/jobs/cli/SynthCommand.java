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
      "Generate the synthetic long-document QA set: <warehouse>/<synth.output>/train.jsonl (synth.samples records)",
      "and heldout.jsonl (synth.heldout-samples records, from a disjoint seed stream). Deterministic: the same",
      "synth.seed and config give byte-identical files. Knobs: synth.task-weights, synth.length-bands,",
      "synth.distractor-similarity (0-2), synth.distractors-per-kchar, synth.hops, synth.hop-distance,",
      "synth.docmath-ops, synth.docmath-terms; e.g. --set synth.hops=3. Prints a JSON summary (counts per task",
      "and per length band) on stdout and writes manifest.json (config + summary) next to the files."
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
