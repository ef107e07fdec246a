package io.longctx.transforms.synth;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code synth} config section: the deterministic synthetic long-document QA generator. The defaults are
 * the easy setting the embedded small model can learn; every difficulty knob can be raised from the YAML file
 * or with {@code --set synth.KEY=VALUE}.
 *
 * @param valueDigits digits of a retrieval value (1-4; 4 = {@code 1000..9999}, 1 = {@code 1..9}); fewer digits
 *     make the embedded model's copy task shorter (below 3 requires distractor-similarity 0)
 * @param fillerNumbers whether filler sentences carry numbers; without them the retrieval value is the only number
 *     in the document
 * @param seed the generator seed; the same seed and config always produce byte-identical records
 * @param samples how many training records to generate ({@code <output>/train.jsonl})
 * @param heldoutSamples how many held-out records to generate from a disjoint seed stream
 *     ({@code <output>/heldout.jsonl})
 * @param output directory of the JSONL files; a relative path resolves under the warehouse
 * @param taskWeights relative weight of each task by data-source name ({@code synth_docmath},
 *     {@code synth_multihop}, {@code synth_retrieval}, {@code synth_long_toc_choices},
 *     {@code synth_retrieval_distractors}); a task not listed has weight 0
 * @param lengthBands the length distribution: each band is a range of estimated templated-prompt lengths in
 *     byte tokens ({@code document + question + prompt-overhead}) and the share of records drawn from it
 * @param promptOverhead estimated bytes the prompt template and chat template add around document and question
 * @param distractorSimilarity 0: no distractor facts (unrelated filler only); 1: same-template facts about
 *     other entities; 2: also near-identical names (one syllable changed), near values and other relations of
 *     the asked entity
 * @param distractorsPerKchar distractor facts per 1000 document characters (at least one when similarity > 0)
 * @param hops number of hops of a {@code synth_multihop} chain (1 to 5)
 * @param hopDistance share of the document the hop facts of a chain are spread over: 0 puts them next to each
 *     other, 1 spreads them from the start to the end of the document
 * @param docmathOps the operations {@code synth_docmath} questions use: {@code sum}, {@code difference},
 *     {@code ratio}, {@code percent-change}
 * @param docmathTerms how many values a {@code sum} question adds (2 to 4)
 * @param heldoutLengthBands the held-out set's length distribution; empty (the default) = {@code lengthBands}.
 *     Equal shares give every length bucket the same number of held-out items, so a per-bucket accuracy is as
 *     precise for the rare long documents as for the common short ones; bands beyond the training lengths test
 *     length generalisation. Only the held-out file changes: the training records stay byte-identical
 */
public record SynthConfig(
    long seed,
    int samples,
    int heldoutSamples,
    String output,
    Map<String, Double> taskWeights,
    List<LengthBand> lengthBands,
    int promptOverhead,
    int distractorSimilarity,
    double distractorsPerKchar,
    int hops,
    double hopDistance,
    List<String> docmathOps,
    int docmathTerms,
    int valueDigits,
    boolean fillerNumbers,
    List<LengthBand> heldoutLengthBands) {

  /** The operation names {@code synth.docmath-ops} accepts. */
  public static final List<String> DOCMATH_OPS = List.of("sum", "difference", "ratio", "percent-change");

  /**
   * One range of the length distribution.
   *
   * @param min smallest estimated templated-prompt length in byte tokens
   * @param max largest estimated templated-prompt length in byte tokens
   * @param share relative share of records drawn from this band
   */
  public record LengthBand(int min, int max, double share) {
    /** A label such as {@code 330-480} for summaries. */
    public String label() {
      return min + "-" + max;
    }
  }

  public static SynthConfig defaults() {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put(SynthTask.DOCMATH.source(), 0.25);
    weights.put(SynthTask.MULTIHOP.source(), 0.25);
    weights.put(SynthTask.RETRIEVAL.source(), 0.30);
    weights.put(SynthTask.LONG_TOC_CHOICES.source(), 0.20);
    // Bands sit inside the local buckets (512, 1024, 2048) with margins for the template estimate (+-30 bytes)
    // and the filler undershoot (up to ~40); the last band (3%) is over the largest bucket: truncation.
    List<LengthBand> bands = List.of(
        new LengthBand(300, 470, 0.32),
        new LengthBand(600, 970, 0.33),
        new LengthBand(1110, 2000, 0.32),
        new LengthBand(2130, 2600, 0.03));
    return new SynthConfig(42L, 2000, 120, "synth", weights, bands, 220, 1, 3.0, 2, 0.5,
        List.of("sum", "difference"), 2, 4, true, List.of());
  }

  public void validate() {
    Check.positive("synth.samples", samples);
    Check.positive("synth.heldout-samples", heldoutSamples);
    Check.notBlank("synth.output", output);
    validateWeights();
    validateBands("synth.length-bands", lengthBands);
    if (heldoutLengthBands == null) {
      throw new ConfigException("synth.heldout-length-bands", "must be a list of {min, max, share} bands ([] = the"
          + " synth.length-bands)");
    }
    if (!heldoutLengthBands.isEmpty()) {
      validateBands("synth.heldout-length-bands", heldoutLengthBands);
    }
    Check.range("synth.prompt-overhead", promptOverhead, 0, 100_000);
    Check.range("synth.distractor-similarity", distractorSimilarity, 0, 2);
    Check.range("synth.distractors-per-kchar", distractorsPerKchar, 0, 50);
    Check.range("synth.hops", hops, 1, 5);
    Check.range("synth.hop-distance", hopDistance, 0, 1);
    if (docmathOps == null || docmathOps.isEmpty()) {
      throw new ConfigException("synth.docmath-ops", "must list at least one of " + DOCMATH_OPS);
    }
    for (int i = 0; i < docmathOps.size(); i++) {
      Check.oneOf("synth.docmath-ops[" + i + "]", docmathOps.get(i), DOCMATH_OPS);
    }
    Check.range("synth.docmath-terms", docmathTerms, 2, 4);
    Check.range("synth.value-digits", valueDigits, 1, 4);
    if (valueDigits < 3 && distractorSimilarity > 1) {
      throw new ConfigException("synth.value-digits", "is " + valueDigits + ", but near-identical distractors"
          + " (distractor-similarity 2) need values of at least 3 digits to stay distinct; set"
          + " synth.distractor-similarity to 0 or 1, or value-digits >= 3");
    }
  }

  private void validateWeights() {
    if (taskWeights == null || taskWeights.isEmpty()) {
      throw new ConfigException("synth.task-weights", "must give a weight to at least one of " + SynthTask.sources());
    }
    double total = 0;
    for (Map.Entry<String, Double> e : taskWeights.entrySet()) {
      String key = "synth.task-weights." + e.getKey();
      Check.oneOf(key, e.getKey(), SynthTask.sources());
      if (e.getValue() == null) {
        throw new ConfigException(key, "must be a number >= 0");
      }
      Check.nonNegative(key, e.getValue());
      total += e.getValue();
    }
    if (!(total > 0)) {
      throw new ConfigException("synth.task-weights", "at least one weight must be > 0, got " + taskWeights);
    }
  }

  private static void validateBands(String name, List<LengthBand> bands) {
    if (bands == null || bands.isEmpty()) {
      throw new ConfigException(name, "must list at least one {min, max, share} band");
    }
    double total = 0;
    for (int i = 0; i < bands.size(); i++) {
      LengthBand b = bands.get(i);
      String key = name + "[" + i + "]";
      if (b == null) {
        throw new ConfigException(key, "must be a {min, max, share} mapping");
      }
      Check.positive(key + ".min", b.min());
      if (b.max() < b.min()) {
        throw new ConfigException(key + ".max", "must be >= " + key + ".min (" + b.min() + "), got " + b.max());
      }
      Check.nonNegative(key + ".share", b.share());
      total += b.share();
    }
    if (!(total > 0)) {
      throw new ConfigException(name, "at least one share must be > 0");
    }
  }

  /** The length bands records of a split are drawn from: the held-out bands when set, else the training bands. */
  public List<LengthBand> bands(SynthSplit split) {
    return split == SynthSplit.HELDOUT && !heldoutLengthBands.isEmpty() ? heldoutLengthBands : lengthBands;
  }

  /** The weight of a task; 0 when the task is not listed. */
  public double weight(SynthTask task) {
    Double w = taskWeights.get(task.source());
    return w == null ? 0 : w;
  }
}
