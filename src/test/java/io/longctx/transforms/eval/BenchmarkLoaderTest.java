package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BenchmarkLoaderTest {

  private static BenchmarkLoader.Result load(Benchmark b, String... files) {
    return BenchmarkLoader.load(b, java.util.Arrays.stream(files).map(EvalLayouts::file).toList());
  }

  private static Map<Long, String> problemsByRecord(BenchmarkLoader.Result r) {
    return r.problems().stream().collect(Collectors.toMap(LoadProblem::record, LoadProblem::reason));
  }

  @Test
  void docMathReadsJsonArrayAndJsonLinesSubsets() {
    BenchmarkLoader.Result r =
        load(Benchmark.DOCMATH, "docmath/simpshort_testmini.json", "docmath/complong_testmini.jsonl");
    assertThat(r.problems()).isEmpty();
    assertThat(r.items()).extracting(EvalItem::itemId)
        .containsExactly("simpshort_testmini/simpshort-testmini-0", "simpshort_testmini/simpshort-testmini-1",
            "complong_testmini/complong-testmini-0");
    EvalItem first = r.items().get(0);
    assertThat(first.benchmark()).isEqualTo("docmath");
    assertThat(first.dataSource()).isEqualTo("docmath");
    assertThat(first.question()).isEqualTo("What is the change in revenue from 2019 to 2020 (in millions)?");
    assertThat(first.document())
        .isEqualTo("The Lumora Group reported revenue for two years.\n| Year | Revenue |\n| 2019 | 120.5 |\n"
            + "| 2020 | 134.0 |\nAmounts are in millions of dollars.");
    assertThat(r.items()).extracting(EvalItem::golds)
        .containsExactly(List.of("13.5"), List.of("27"), List.of("25.0"));
  }

  @Test
  void framesJoinsWikiItemsAsTitleThenText() {
    BenchmarkLoader.Result r = load(Benchmark.FRAMES, "frames/test.jsonl");
    assertThat(r.problems()).isEmpty();
    assertThat(r.items()).hasSize(2);
    EvalItem item = r.items().get(0);
    assertThat(item.itemId()).isEqualTo("0");
    assertThat(item.dataSource()).isEqualTo("frames");
    assertThat(item.question()).startsWith("Which river flows");
    assertThat(item.document()).isEqualTo(
        "Orlem\nOrlem was born in Kantria.\nKantria\nThe capital of Kantria is Dovel. The Vessa River flows through Dovel.");
    assertThat(item.golds()).containsExactly("Vessa River");
  }

  @Test
  void longBenchSetsKeepIdsContextInputAndAllAnswers() {
    for (Benchmark b : List.of(Benchmark.TWOWIKIMQA, Benchmark.HOTPOTQA, Benchmark.MUSIQUE, Benchmark.NARRATIVEQA,
        Benchmark.QASPER)) {
      BenchmarkLoader.Result r = load(b, "longbench/" + b.key() + ".jsonl");
      assertThat(r.problems()).as(b.key()).isEmpty();
      assertThat(r.items()).as(b.key()).isNotEmpty()
          .allSatisfy(i -> {
            assertThat(i.benchmark()).isEqualTo(b.key());
            assertThat(i.dataSource()).isEqualTo(b.key());
            assertThat(i.itemId()).startsWith(b.key() + "-");
          });
    }
    EvalItem narrative = load(Benchmark.NARRATIVEQA, "longbench/narrativeqa.jsonl").items().get(0);
    assertThat(narrative.question()).isEqualTo("Why does Tamsin leave the village?");
    assertThat(narrative.document()).startsWith("Tamsin leaves the village");
    assertThat(narrative.golds()).containsExactly("To find her brother.", "She wants to find her lost brother.");
  }

  @Test
  void synthHeldOutKeepsEachRecordsDataSource() {
    BenchmarkLoader.Result r = load(Benchmark.SYNTH, "synth/heldout.jsonl");
    assertThat(r.problems()).isEmpty();
    assertThat(r.items()).extracting(EvalItem::dataSource)
        .containsExactly("synth_retrieval", "synth_docmath", "synth_long_toc_choices");
    assertThat(r.items()).extracting(EvalItem::golds)
        .containsExactly(List.of("4821"), List.of("42"), List.of("B"));
  }

  @Test
  void malformedDocMathArrayReportsEachRecordAndTheTruncation() {
    BenchmarkLoader.Result r = load(Benchmark.DOCMATH, "malformed/docmath_bad.json");
    assertThat(r.items()).extracting(EvalItem::itemId).containsExactly("ok-1");
    Map<Long, String> p = problemsByRecord(r);
    assertThat(p).containsOnlyKeys(2L, 3L, 4L, 5L, 6L);
    assertThat(p.get(2L)).contains("missing field 'ground_truth'");
    assertThat(p.get(3L)).contains("'ground_truth' must be a number").contains("three");
    assertThat(p.get(4L)).contains("'paragraphs' must be a non-empty list");
    assertThat(p.get(5L)).contains("paragraphs[1] must be a string");
    assertThat(p.get(6L)).contains("malformed JSON");
    assertThat(r.problems()).allSatisfy(x -> {
      assertThat(x.file()).endsWith("docmath_bad.json");
      assertThat(x.benchmark()).isEqualTo("docmath");
    });
  }

  @Test
  void malformedJsonLinesReportsEveryBadLineByLineNumber() {
    BenchmarkLoader.Result r = load(Benchmark.HOTPOTQA, "malformed/hotpotqa_bad.jsonl");
    assertThat(r.items()).extracting(EvalItem::itemId).containsExactly("hotpotqa-0001");
    Map<Long, String> p = problemsByRecord(r);
    // line 7 is blank (not a record); every other line but the first is reported
    assertThat(p).containsOnlyKeys(2L, 3L, 4L, 5L, 6L, 8L, 9L, 10L, 11L);
    assertThat(p.get(2L)).startsWith("malformed JSON");
    assertThat(p.get(3L)).contains("'answers' must be a non-empty list");
    assertThat(p.get(4L)).contains("dataset 'musique'").contains("'hotpotqa'");
    assertThat(p.get(5L)).contains("'context' must be a string");
    assertThat(p.get(6L)).contains("duplicate item id 'hotpotqa-0001'");
    assertThat(p.get(8L)).contains("not a JSON object");
    assertThat(p.get(9L)).contains("'input' is empty");
    assertThat(p.get(10L)).contains("not valid UTF-8");
    assertThat(p.get(11L)).contains("missing field 'context'");
    assertThat(r.problems().get(0).toString()).contains("hotpotqa_bad.jsonl record 2");
  }

  @Test
  void malformedFramesAndSynthRecordsAreReported() {
    BenchmarkLoader.Result frames = load(Benchmark.FRAMES, "malformed/frames_bad.jsonl");
    assertThat(frames.items()).hasSize(1);
    Map<Long, String> p = problemsByRecord(frames);
    assertThat(p).containsOnlyKeys(2L, 3L, 4L);
    assertThat(p.get(2L)).contains("wiki_items[0]");
    assertThat(p.get(3L)).contains("'Answer' is empty");
    assertThat(p.get(4L)).contains("'wiki_items' must be a non-empty list");

    BenchmarkLoader.Result synth = load(Benchmark.SYNTH, "malformed/synth_bad.jsonl");
    assertThat(synth.items()).extracting(EvalItem::itemId).containsExactly("s1");
    assertThat(problemsByRecord(synth)).containsOnlyKeys(2L, 3L);
    assertThat(problemsByRecord(synth).get(3L)).contains("missing field 'source'");
  }

  @Test
  void missingFileAndUnknownBenchmarkGiveClearErrors() {
    Path missing = EvalLayouts.dir().resolve("nope/frames.jsonl");
    assertThatThrownBy(() -> BenchmarkLoader.load(Benchmark.FRAMES, List.of(missing)))
        .isInstanceOf(EvalErrors.EvalException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("'frames'");
    assertThatThrownBy(() -> Benchmark.forKey("longbench"))
        .hasMessageContaining("Unknown benchmark 'longbench'")
        .hasMessageContaining("2wikimqa");
    assertThat(Benchmark.forKey("2WikiMQA")).isEqualTo(Benchmark.TWOWIKIMQA);
  }
}
