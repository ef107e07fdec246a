package io.longctx.transforms.synth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Config variants for the synth tests, built from the defaults by changing one knob at a time. */
final class SynthTestConfigs {
  private SynthTestConfigs() {}

  static SynthConfig defaults() {
    return SynthConfig.defaults();
  }

  static SynthConfig seed(SynthConfig c, long seed) {
    return new SynthConfig(seed, c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), c.hops(), c.hopDistance(),
        c.docmathOps(), c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig counts(SynthConfig c, int samples, int heldout) {
    return new SynthConfig(c.seed(), samples, heldout, c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), c.hops(), c.hopDistance(),
        c.docmathOps(), c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig only(SynthConfig c, SynthTask task) {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put(task.source(), 1.0);
    return weights(c, w);
  }

  static SynthConfig weights(SynthConfig c, Map<String, Double> w) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), w, c.lengthBands(),
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), c.hops(), c.hopDistance(),
        c.docmathOps(), c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig similarity(SynthConfig c, int level) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), level, c.distractorsPerKchar(), c.hops(), c.hopDistance(), c.docmathOps(),
        c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig hops(SynthConfig c, int hops, double distance) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), hops, distance, c.docmathOps(),
        c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig docmath(SynthConfig c, List<String> ops, int terms) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), c.hops(), c.hopDistance(), ops,
        terms, c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig bands(SynthConfig c, List<SynthConfig.LengthBand> bands) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), bands,
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), c.hops(), c.hopDistance(),
        c.docmathOps(), c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), c.heldoutLengthBands());
  }

  static SynthConfig values(SynthConfig c, int similarity, int digits, boolean fillerNumbers) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), similarity, c.distractorsPerKchar(), c.hops(), c.hopDistance(), c.docmathOps(),
        c.docmathTerms(), digits, fillerNumbers, c.heldoutLengthBands());
  }

  static SynthConfig heldoutBands(SynthConfig c, List<SynthConfig.LengthBand> heldout) {
    return new SynthConfig(c.seed(), c.samples(), c.heldoutSamples(), c.output(), c.taskWeights(), c.lengthBands(),
        c.promptOverhead(), c.distractorSimilarity(), c.distractorsPerKchar(), c.hops(), c.hopDistance(),
        c.docmathOps(), c.docmathTerms(), c.valueDigits(), c.fillerNumbers(), heldout);
  }
}
