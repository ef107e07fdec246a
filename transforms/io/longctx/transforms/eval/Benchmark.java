package io.longctx.transforms.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation benchmarks, each with its published file layouts and the {@code data_source} that routes
 * its responses to a reward verifier. The names are the config keys under {@code eval.benchmarks} and the
 * values of the {@code benchmark} column of {@code eval_results}.
 */
public enum Benchmark {
  /** DocMath-Eval testmini (simpshort, simplong, compshort, complong): {@code paragraphs}, {@code question},
   * {@code ground_truth}. */
  DOCMATH("docmath", Layout.DOCMATH, "docmath"),
  /** Frames: QwenLong-L1's JSON lines with {@code wiki_items[{title, text}]}, or the published {@code test.tsv}
   * ({@code Prompt}, {@code Answer}, {@code wiki_links}) with the articles from {@code eval.frames.pages}. */
  FRAMES("frames", Layout.FRAMES, "frames"),
  /** LongBench v1 2WikiMultihopQA. */
  TWOWIKIMQA("2wikimqa", Layout.LONGBENCH, "2wikimqa"),
  /** LongBench v1 HotpotQA. */
  HOTPOTQA("hotpotqa", Layout.LONGBENCH, "hotpotqa"),
  /** LongBench v1 MuSiQue. */
  MUSIQUE("musique", Layout.LONGBENCH, "musique"),
  /** LongBench v1 NarrativeQA. */
  NARRATIVEQA("narrativeqa", Layout.LONGBENCH, "narrativeqa"),
  /** LongBench v1 Qasper. */
  QASPER("qasper", Layout.LONGBENCH, "qasper"),
  /** LongBench v2: multiple choice over long documents ({@code question}, {@code choice_A..D}, {@code answer},
   * {@code context}). */
  LONGBENCH_V2("longbench-v2", Layout.LONGBENCH_V2, "longbench-v2"),
  /** OpenAI MRCR: a conversation ({@code prompt}, a JSON message list), {@code answer},
   * {@code random_string_to_prepend}; scored by sequence-match ratio. */
  MRCR("mrcr", Layout.MRCR, "mrcr"),
  /** The synthetic held-out set ({@code synth/heldout.jsonl}): plain layout; {@code data_source} per record. */
  SYNTH("synth", Layout.PLAIN, null);

  /** The file layouts the loaders understand. */
  public enum Layout {
    DOCMATH,
    FRAMES,
    LONGBENCH,
    LONGBENCH_V2,
    MRCR,
    PLAIN
  }

  private final String key;
  private final Layout layout;
  private final String dataSource;

  Benchmark(String key, Layout layout, String dataSource) {
    this.key = key;
    this.layout = layout;
    this.dataSource = dataSource;
  }

  /** Config key and {@code benchmark} column value, e.g. {@code 2wikimqa}. */
  public String key() {
    return key;
  }

  public Layout layout() {
    return layout;
  }

  /** Whether the prompt asks for "The correct answer is (X)" (LongBench v2's multiple choice). */
  public boolean multipleChoice() {
    return layout == Layout.LONGBENCH_V2;
  }

  /** The {@code data_source} for reward routing, or null when each record carries its own (synthetic set). */
  public String dataSource() {
    return dataSource;
  }

  /** Looks a benchmark up by its key (case-insensitive). */
  public static Benchmark forKey(String key) {
    for (Benchmark b : values()) {
      if (b.key.equalsIgnoreCase(key.trim())) {
        return b;
      }
    }
    throw EvalErrors.unknownBenchmark(key, keys());
  }

  public static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Benchmark b : values()) {
      keys.add(b.key);
    }
    return keys;
  }

  @Override
  public String toString() {
    return key.toLowerCase(Locale.ROOT);
  }
}
