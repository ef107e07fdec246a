package io.longctx.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.testing.SparkTestBase;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark files as their publishers' libraries write them ({@code src/test/python/make_published_fixtures.py}:
 * pandas for Frames' test.tsv, Hugging Face {@code datasets} and pyarrow for Parquet): Frames with a pages
 * source, LongBench v2 and MRCR, layouts told from the columns, and the wrong file for a benchmark.
 */
class PublishedLayoutsTest extends SparkTestBase {

  static Path published(String relative) {
    try {
      return Path.of(PublishedLayoutsTest.class.getResource("/published/" + relative).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BenchmarkLoader.Options options(String pages, boolean partial, List<LoadProblem> problems) {
    FramesPages p = pages == null ? FramesPages.none() : FramesPages.load(spark(), published(pages), problems);
    return new BenchmarkLoader.Options(spark(), p, partial);
  }

  @Test
  void framesTsvWithPagesAssemblesTheArticlesInLinkOrder() {
    List<LoadProblem> pageProblems = new ArrayList<>();
    BenchmarkLoader.Result r = BenchmarkLoader.load(Benchmark.FRAMES, List.of(published("frames/test.tsv")),
        options("frames/pages.jsonl", false, pageProblems));
    assertThat(pageProblems).isEmpty();
    assertThat(r.problems()).isEmpty();
    assertThat(r.notes()).isEmpty();
    assertThat(r.items()).extracting(EvalItem::itemId).containsExactly("0", "1", "2");
    EvalItem first = r.items().get(0);
    assertThat(first.dataSource()).isEqualTo("frames");
    assertThat(first.golds()).containsExactly("Vessa River");
    assertThat(first.document()).isEqualTo("Orlem Vasko\nOrlem Vasko was born in Kantria in 1901.\n"
        + "Kantria\nThe capital of Kantria is Dovel. The Vessa River flows through Dovel.\n"
        + "Dovel, Kantria\nDovel is a city of 40,000 people on the Vessa River.");
    assertThat(first.missingDocuments()).isZero();
    // a quoted cell with a line break and doubled quotes, as pandas writes it
    assertThat(r.items().get(1).question()).endsWith("Tamsin Reel is set?\nAnswer with a \"year\".");
    // twelve links: ten columns plus wikipedia_link_11+; the order of wiki_links
    EvalItem third = r.items().get(2);
    assertThat(third.document()).startsWith("Bram Ostel\n").endsWith("Dovel, Kantria\nDovel is a city of 40,000 "
        + "people on the Vessa River.");
    assertThat(third.document().split("\n")).hasSize(24);
  }

  @Test
  void framesWithoutPagesFailsWithOneLineNamingTheMissingArticles() {
    assertThatThrownBy(() -> BenchmarkLoader.load(Benchmark.FRAMES, List.of(published("frames/test.tsv")),
        options(null, false, new ArrayList<>())))
        .isInstanceOf(EvalErrors.EvalException.class)
        .hasMessageNotContaining("\n")
        .hasMessageStartingWith("Frames: 12 Wikipedia article(s) needed by 3 of 3 item(s) are not in any pages "
            + "source (eval.frames.pages is not set): 'Orlem Vasko', 'Kantria', 'Dovel, Kantria', 'Tamsin Reel', "
            + "'The Quiet Harbour', ...")
        .hasMessageContaining("eval.frames.missing-pages=partial");
  }

  @Test
  void framesWithSomePagesMissingFailsOrScoresWhatWasFoundAndFlags() {
    assertThatThrownBy(() -> BenchmarkLoader.load(Benchmark.FRAMES, List.of(published("frames/test.tsv")),
        options("frames/pages-partial.parquet", false, new ArrayList<>())))
        .hasMessageContaining("Frames: 2 Wikipedia article(s) needed by 2 of 3 item(s)")
        .hasMessageContaining("'Lighthouses of Elmshire', 'Ostel Bridge'")
        .hasMessageContaining("pages-partial.parquet");
    BenchmarkLoader.Result r = BenchmarkLoader.load(Benchmark.FRAMES, List.of(published("frames/test.tsv")),
        options("frames/pages-partial.parquet", true, new ArrayList<>()));
    assertThat(r.items()).extracting(EvalItem::missingDocuments).containsExactly(0, 1, 2);
    assertThat(r.items().get(1).document()).doesNotContain("Elmshire lists").contains("Port Elm has a lighthouse");
    assertThat(r.notes()).singleElement().asString().contains("2 item(s) scored without 2 missing article(s)");
  }

  @Test
  void framesLinksComeFromWikiLinksElseFromTheLinkColumns() {
    ObjectNode n = JsonRecords.MAPPER.createObjectNode();
    n.put("wikipedia_link_1", "https://en.wikipedia.org/wiki/A");
    n.put("wikipedia_link_2", "");
    n.put("wikipedia_link_11+", "https://en.wikipedia.org/wiki/Washington,_D.C., https://en.wikipedia.org/wiki/B");
    assertThat(FramesPages.links(n)).containsExactly("https://en.wikipedia.org/wiki/A",
        "https://en.wikipedia.org/wiki/Washington,_D.C.", "https://en.wikipedia.org/wiki/B");
    n.put("wiki_links", "['https://en.wikipedia.org/wiki/B', \"https://en.wikipedia.org/wiki/O'Hare\"]");
    assertThat(FramesPages.links(n)).containsExactly("https://en.wikipedia.org/wiki/B",
        "https://en.wikipedia.org/wiki/O'Hare");
    assertThat(FramesPages.titleOf("https://en.m.wikipedia.org/wiki/Caf%C3%A9_Central#History"))
        .isEqualTo("Café Central");
    assertThat(FramesPages.urlKey("http://en.m.wikipedia.org/wiki/Caf%C3%A9_Central/"))
        .isEqualTo(FramesPages.urlKey("https://en.wikipedia.org/wiki/Café Central#x"));
  }

  @Test
  void framesTsvWithoutWikiLinksReadsTheLinkColumns(@TempDir Path dir) throws Exception {
    List<String> lines = Files.readAllLines(published("frames/test.tsv"));
    List<String> cut = new ArrayList<>();
    for (String line : lines) {
      int last = line.lastIndexOf('\t');
      cut.add(last >= 0 && (line.contains("\twiki_links") || line.contains("['https")) ? line.substring(0, last)
          : line);
    }
    Path f = dir.resolve("test.tsv");
    Files.write(f, cut);
    BenchmarkLoader.Result withColumns = BenchmarkLoader.load(Benchmark.FRAMES, List.of(f),
        options("frames/pages.jsonl", false, new ArrayList<>()));
    BenchmarkLoader.Result withList = BenchmarkLoader.load(Benchmark.FRAMES, List.of(published("frames/test.tsv")),
        options("frames/pages.jsonl", false, new ArrayList<>()));
    assertThat(withColumns.problems()).isEmpty();
    assertThat(withColumns.items()).isEqualTo(withList.items());
  }

  @Test
  void qwenLongFramesJsonLinesStillLoad() {
    BenchmarkLoader.Result r = BenchmarkLoader.load(Benchmark.FRAMES, List.of(EvalLayouts.file("frames/test.jsonl")),
        options(null, false, new ArrayList<>()));
    assertThat(r.problems()).isEmpty();
    assertThat(r.items()).hasSize(2);
  }

  @Test
  void longBenchV2FromTheJsonArrayAndFromDatasetsParquetGiveTheSameItems() {
    BenchmarkLoader.Result json = BenchmarkLoader.load(Benchmark.LONGBENCH_V2,
        List.of(published("longbench-v2/data.json")), options(null, false, null));
    BenchmarkLoader.Result parquet = BenchmarkLoader.load(Benchmark.LONGBENCH_V2,
        List.of(published("longbench-v2/data.parquet")), options(null, false, null));
    assertThat(json.problems()).isEmpty();
    assertThat(parquet.problems()).isEmpty();
    assertThat(parquet.items()).isEqualTo(json.items());
    EvalItem first = json.items().get(0);
    assertThat(first.itemId()).isEqualTo("lbv2-0000");
    assertThat(first.dataSource()).isEqualTo("longbench-v2");
    assertThat(first.question()).isEqualTo("What is the correct answer to this question: Which city is the capital "
        + "of Kantria?\nChoices:\n(A) Port Elm\n(B) Dovel\n(C) Elm Bay\n(D) Ostel");
    assertThat(json.items()).extracting(EvalItem::golds)
        .containsExactly(List.of("B"), List.of("C"), List.of("A"));
    assertThat(Benchmark.LONGBENCH_V2.multipleChoice()).isTrue();
    // the user message is LongBench v2's own 0-shot template, filled
    assertThat(EvalPrompts.userMessage(first.question(), "DOC", true)).isEqualTo(
        "Please read the following text and answer the question below.\n\n<text>\nDOC\n</text>\n\n"
            + "What is the correct answer to this question: Which city is the capital of Kantria?\nChoices:\n"
            + "(A) Port Elm\n(B) Dovel\n(C) Elm Bay\n(D) Ostel\n\n"
            + "Format your response as follows: \"The correct answer is (insert answer here)\".");
  }

  @Test
  void mrcrFromDatasetsParquetAndJsonLinesGiveTheSameItems() {
    BenchmarkLoader.Result parquet = BenchmarkLoader.load(Benchmark.MRCR,
        List.of(published("mrcr/2needle.parquet")), options(null, false, null));
    BenchmarkLoader.Result jsonl = BenchmarkLoader.load(Benchmark.MRCR,
        List.of(published("mrcr/2needle.jsonl")), options(null, false, null));
    assertThat(parquet.problems()).isEmpty();
    assertThat(parquet.items()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      EvalItem p = parquet.items().get(i);
      EvalItem j = jsonl.items().get(i);
      assertThat(p.itemId()).isEqualTo("2needle.parquet#" + (i + 1));
      assertThat(p.withItemId(j.itemId())).isEqualTo(j);
    }
    EvalItem first = parquet.items().get(0);
    assertThat(first.answerPrefix()).isEqualTo("aYooSG8CQg");
    assertThat(first.golds()).containsExactly("aYooSG8CQgTapirs sleep in the reeds.");
    assertThat(first.question()).startsWith("Prepend aYooSG8CQg to the 2nd (1 indexed) poem about tapirs.");
    assertThat(first.conversation()).startsWith("[{\"role\":\"user\",\"content\":\"write a poem about tapirs\"}");
  }

  @Test
  void aFileInTheWrongLayoutIsOneErrorNamingExpectedAndFoundColumns(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> BenchmarkLoader.load(Benchmark.MRCR, List.of(published("longbench-v2/data.json")),
        options(null, false, null)))
        .isInstanceOf(EvalErrors.EvalException.class)
        .hasMessageContaining("Benchmark 'mrcr' cannot read")
        .hasMessageContaining("expected OpenAI MRCR [prompt, answer, random_string_to_prepend]")
        .hasMessageContaining("[_id, domain, sub_domain, difficulty, length, question, choice_A");
    assertThatThrownBy(() -> BenchmarkLoader.load(Benchmark.DOCMATH, List.of(published("frames/test.tsv")),
        options(null, false, null)))
        .hasMessageContaining("[Unnamed: 0, Prompt, Answer, wikipedia_link_1")
        .hasMessageContaining("expected DocMath-Eval testmini [question, paragraphs, ground_truth]");
    assertThatThrownBy(() -> BenchmarkLoader.load(Benchmark.FRAMES, List.of(published("mrcr/2needle.parquet")),
        options(null, false, null)))
        .hasMessageContaining("QwenLong-L1's Frames JSON lines [Prompt, Answer, wiki_items] or "
            + "google/frames-benchmark test.tsv [Prompt, Answer, wiki_links] or google/frames-benchmark test.tsv "
            + "without wiki_links [Prompt, Answer, wikipedia_link_1]");
    // a bad first record does not decide the layout: the file's good records do, and the bad one is reported
    Path f = dir.resolve("hotpotqa.jsonl");
    Files.writeString(f, "{\"_id\":\"x\",\"input\":\"q\"}\n"
        + "{\"_id\":\"y\",\"input\":\"q\",\"context\":\"c\",\"answers\":[\"a\"]}\n");
    BenchmarkLoader.Result r = BenchmarkLoader.load(Benchmark.HOTPOTQA, List.of(f));
    assertThat(r.items()).extracting(EvalItem::itemId).containsExactly("y");
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.record()).isEqualTo(1);
      assertThat(p.reason()).contains("missing field 'context'");
    });
  }

  @Test
  void delimitedRowsWithTheWrongFieldCountAreReported(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("plain.csv");
    Files.writeString(f, "id,context,question,answer,source\n"
        + "a,\"doc, with comma\",q?,1,synth_retrieval\n"
        + "b,doc,q?,1\n"
        + "c,\"never closed,q,1,synth_retrieval\n");
    BenchmarkLoader.Result r = BenchmarkLoader.load(Benchmark.SYNTH, List.of(f));
    assertThat(r.items()).extracting(EvalItem::document).containsExactly("doc, with comma");
    assertThat(r.problems()).extracting(LoadProblem::reason).anySatisfy(s -> assertThat(s).contains("has 4 fields"))
        .anySatisfy(s -> assertThat(s).contains("never closed"));
  }
}
