package io.longctx.transforms;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.util.List;

/**
 * The {@code curate} config section. Relative paths ({@code inputs}, {@code eval-sets}) resolve under the
 * warehouse root.
 *
 * @param buckets ascending prompt-length caps in policy tokens; bucket k (0-based) holds prompts in
 *     (cap_{k-1}, cap_k]
 * @param overlong what to do with prompts over the largest cap: {@code truncate} (middle truncation of the
 *     document) or {@code quarantine}
 * @param inputs default inputs when {@code curate} gets no {@code --input}: JSONL/Parquet/CSV files,
 *     directories of them, or Delta tables
 * @param evalSets evaluation files/tables to decontaminate against; empty means {@code synth/heldout.jsonl}
 *     under the warehouse when that file exists
 * @param maxRecordBytes records (lines, rows) larger than this many bytes are quarantined unparsed
 * @param nearDupThreshold Jaccard similarity of document shingles at or above which two documents are
 *     near-duplicates (MinHash LSH)
 * @param nearDupQuestionThreshold near-duplicate documents are removed only if their questions' word Jaccard
 *     is at least this too; 0 removes any near-duplicate document
 * @param shingleSize words per document shingle for near-duplicate detection
 * @param minhashTables hash tables of the MinHash LSH model (more: better recall, slower)
 * @param decontamNgram words per n-gram for decontamination against the evaluation sets
 * @param decontamThreshold a sample whose question+document n-grams occur in the evaluation sets at this
 *     fraction or more is excluded
 * @param multipleChoiceSources data sources whose name contains one of these are multiple choice (gold A-D,
 *     "The correct answer is (X)" prompt)
 * @param numericSources data sources whose name contains one of these need a numeric gold (DocMath)
 * @param partitions partitions for tokenising; 0 uses Spark's default parallelism
 * @param seed seed of the MinHash model (deterministic runs)
 */
public record CurateConfig(
    List<Integer> buckets,
    String overlong,
    List<String> inputs,
    List<String> evalSets,
    long maxRecordBytes,
    double nearDupThreshold,
    double nearDupQuestionThreshold,
    int shingleSize,
    int minhashTables,
    int decontamNgram,
    double decontamThreshold,
    List<String> multipleChoiceSources,
    List<String> numericSources,
    int partitions,
    long seed) {

  /** Default evaluation set: the synthetic generator's held-out file, used when present. */
  public static final String DEFAULT_EVAL_SET = "synth/heldout.jsonl";

  public static CurateConfig defaults() {
    return new CurateConfig(
        List.of(512, 1024, 2048),
        "truncate",
        List.of("synth/train.jsonl"),
        List.of(),
        16L << 20,
        0.8,
        0.8,
        5,
        5,
        13,
        0.5,
        List.of("long_toc_choices"),
        List.of("docmath"),
        0,
        42L);
  }

  public void validate() {
    Check.strictlyIncreasing("curate.buckets", buckets);
    Check.oneOf("curate.overlong", overlong, List.of("truncate", "quarantine"));
    notNullList("curate.inputs", inputs);
    notNullList("curate.eval-sets", evalSets);
    Check.positive("curate.max-record-bytes", maxRecordBytes);
    Check.range("curate.near-dup-threshold", nearDupThreshold, 0.01, 1.0);
    Check.range("curate.near-dup-question-threshold", nearDupQuestionThreshold, 0.0, 1.0);
    Check.range("curate.shingle-size", shingleSize, 1, 50);
    Check.range("curate.minhash-tables", minhashTables, 1, 100);
    Check.range("curate.decontam-ngram", decontamNgram, 1, 100);
    Check.range("curate.decontam-threshold", decontamThreshold, 0.0001, 1.0);
    notNullList("curate.multiple-choice-sources", multipleChoiceSources);
    notNullList("curate.numeric-sources", numericSources);
    Check.range("curate.partitions", partitions, 0, 100_000);
  }

  private static void notNullList(String key, List<String> values) {
    if (values == null) {
      throw new ConfigException(key, "must be a list (use [] for none)");
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null || values.get(i).isBlank()) {
        throw new ConfigException(key + "[" + i + "]", "must not be empty");
      }
    }
  }

  /** The largest length cap. */
  public int maxCap() {
    return buckets.get(buckets.size() - 1);
  }

  /** A copy with other length caps (tests, benchmarks). */
  public CurateConfig withBuckets(List<Integer> newBuckets, String newOverlong) {
    return new CurateConfig(newBuckets, newOverlong, inputs, evalSets, maxRecordBytes, nearDupThreshold,
        nearDupQuestionThreshold, shingleSize, minhashTables, decontamNgram, decontamThreshold,
        multipleChoiceSources, numericSources, partitions, seed);
  }

  /** A copy with other evaluation sets. */
  public CurateConfig withEvalSets(List<String> newEvalSets) {
    return new CurateConfig(buckets, overlong, inputs, newEvalSets, maxRecordBytes, nearDupThreshold,
        nearDupQuestionThreshold, shingleSize, minhashTables, decontamNgram, decontamThreshold,
        multipleChoiceSources, numericSources, partitions, seed);
  }

  /** A copy with another record size limit. */
  public CurateConfig withMaxRecordBytes(long newMax) {
    return new CurateConfig(buckets, overlong, inputs, evalSets, newMax, nearDupThreshold,
        nearDupQuestionThreshold, shingleSize, minhashTables, decontamNgram, decontamThreshold,
        multipleChoiceSources, numericSources, partitions, seed);
  }
}
