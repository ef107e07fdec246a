package io.longctx.transforms.synth;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Generates synthetic long-document QA records from a {@link SynthConfig}. Record {@code i} of a split draws
 * only from a generator seeded from (seed, split, i): the same config always yields byte-identical records,
 * records can be generated in parallel in any order, and any single record can be regenerated alone.
 * Instances are immutable and thread-safe.
 */
public final class SynthGenerator {
  private final SynthConfig config;
  private final SynthTask[] tasks = SynthTask.values();
  private final double[] taskCumulative;
  private final Map<SynthSplit, double[]> bandCumulative = new EnumMap<>(SynthSplit.class);

  private SynthGenerator(SynthConfig config) {
    this.config = config;
    this.taskCumulative = new double[tasks.length];
    double t = 0;
    for (int i = 0; i < tasks.length; i++) {
      t += config.weight(tasks[i]);
      taskCumulative[i] = t;
    }
    for (SynthSplit split : SynthSplit.values()) {
      List<SynthConfig.LengthBand> bands = config.bands(split);
      double[] cumulative = new double[bands.size()];
      double b = 0;
      for (int i = 0; i < bands.size(); i++) {
        b += bands.get(i).share();
        cumulative[i] = b;
      }
      bandCumulative.put(split, cumulative);
    }
  }

  /** A generator for a config; validates it first (a bad key fails with a message naming it). */
  public static SynthGenerator of(SynthConfig config) {
    config.validate();
    return new SynthGenerator(config);
  }

  public SynthConfig config() {
    return config;
  }

  /** Record {@code index} of a split; depends only on the config, the split and the index. */
  public SynthRecord record(SynthSplit split, long index) {
    SplittableRandom rng = new SplittableRandom(recordSeed(config.seed(), split, index));
    SynthTask task = tasks[pick(rng, taskCumulative)];
    int bandIndex = pick(rng, bandCumulative.get(split));
    SynthConfig.LengthBand band = config.bands(split).get(bandIndex);
    int target = band.min() + rng.nextInt(band.max() - band.min() + 1);
    TaskContext ctx = new TaskContext(rng, config, target);
    Draft draft = switch (task) {
      case DOCMATH -> DocMathTask.draft(ctx);
      case MULTIHOP -> MultihopTask.draft(ctx);
      case RETRIEVAL -> RetrievalTask.draft(ctx);
      case RETRIEVAL_DISTRACTORS -> RetrievalTask.draftAmongDistractors(ctx);
      case LONG_TOC_CHOICES -> ChoiceTask.draft(ctx);
    };
    DocumentAssembler.Document doc = DocumentAssembler.assemble(rng, draft, config.fillerNumbers());
    String id = "synth-" + split.label() + "-" + String.format(Locale.ROOT, "%06d", index);
    return new SynthRecord(id, doc.text(), draft.question, draft.answer, task.source(), draft.trace,
        task.shortName(), difficulty(draft, doc, bandIndex, target));
  }

  /** Records {@code 0..count-1} of a split, generated in parallel, in index order. */
  public List<SynthRecord> records(SynthSplit split, int count) {
    return records(split, 0, count);
  }

  /** Records {@code from..from+count-1} of a split, generated in parallel, in index order. */
  public List<SynthRecord> records(SynthSplit split, long from, int count) {
    return LongStream.range(from, from + count).parallel().mapToObj(i -> record(split, i))
        .collect(Collectors.toList());
  }

  private Map<String, Number> difficulty(Draft draft, DocumentAssembler.Document doc, int band, int target) {
    Map<String, Number> out = new LinkedHashMap<>();
    int length = doc.text().length();
    out.put("length_band", band);
    out.put("target_prompt_bytes", target);
    out.put("doc_chars", length);
    out.put("distractor_similarity", draft.similarity(config.distractorSimilarity()));
    out.put("distractors", draft.distractors.size());
    out.putAll(draft.difficulty);
    int[] offsets = doc.anchorOffsets();
    if (offsets.length > 1) {
      double gaps = 0;
      for (int i = 1; i < offsets.length; i++) {
        gaps += offsets[i] - offsets[i - 1];
      }
      out.put("distance", round3(gaps / (offsets.length - 1) / Math.max(1, length)));
    }
    out.put("position", round3(offsets[0] / (double) Math.max(1, length)));
    return out;
  }

  private static double round3(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  private static int pick(SplittableRandom rng, double[] cumulative) {
    double u = rng.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    for (int i = cumulative.length - 1; i > 0; i--) { // u == total only by rounding: last positive weight
      if (cumulative[i] > cumulative[i - 1]) {
        return i;
      }
    }
    return 0;
  }

  /** The seed of one record's generator: a mix of (seed, split stream, index) with SplitMix64's finaliser. */
  static long recordSeed(long seed, SynthSplit split, long index) {
    long s = mix64(seed ^ mix64(split.stream()));
    return mix64(s + (index + 1) * 0x9E3779B97F4A7C15L);
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
