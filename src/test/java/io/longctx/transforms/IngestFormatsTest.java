package io.longctx.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same records read from JSONL, Parquet and a Delta table parse to the same samples. */
class IngestFormatsTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void verlAndPlainLayoutsParseTheSameFromJsonlParquetAndDelta() throws Exception {
    CurationCorpus c = new CurationCorpus(5);
    List<String> verl = new ArrayList<>();
    verl.add(c.verl("docmath_qa", 1, c.document(200, "Ralo", "3"), "How many?", "3.5").toString());
    verl.add(c.verl("long_toc_choices", 2, c.document(200, "Mika", "x"), "Which?\n(A) a\n(B) b", "(B)").toString());
    verl.add(c.verl("musique", 3, c.document(200, "Tuvas", "Belhax"), "Who?", "Belhax").toString());
    List<String> plain = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      plain.add(c.plainGood("p" + i, 150 + 50 * i).toString());
    }
    Path verlJsonl = tmp.resolve("verl.jsonl");
    Path plainJsonl = tmp.resolve("plain.jsonl");
    Files.write(verlJsonl, verl);
    Files.write(plainJsonl, plain);
    Path verlParquet = tmp.resolve("verl-parquet");
    spark().read().json(spark().createDataset(verl, Encoders.STRING())).coalesce(1).write().parquet(verlParquet.toString());
    Path plainDelta = tmp.resolve("plain-delta");
    spark().read().json(spark().createDataset(plain, Encoders.STRING())).write().format("delta")
        .save(plainDelta.toString());

    Map<String, Row> fromJsonl = samples(verlJsonl, plainJsonl);
    Map<String, Row> fromOthers = samples(verlParquet, plainDelta);
    assertThat(fromJsonl).hasSize(6).containsOnlyKeys(fromOthers.keySet());
    assertThat(fromJsonl.keySet()).contains("docmath_qa-1", "long_toc_choices-2", "musique-3", "p0", "p1", "p2");
    for (String id : fromJsonl.keySet()) {
      Row a = fromJsonl.get(id);
      Row b = fromOthers.get(id);
      for (String col : List.of("data_source", "ability", "question", "document", "answer", "prompt_head",
          "prompt_tail", "trace", "task", "doc_hash", "dedup_key")) {
        assertThat((Object) b.getAs(col)).as("%s.%s", id, col).isEqualTo(a.getAs(col));
      }
      String da = a.getAs("difficulty");
      String db = b.getAs("difficulty");
      if (da == null) {
        assertThat(db).isNull();
      } else {
        assertThat(CurationCorpus.JSON.readTree(db)).isEqualTo(CurationCorpus.JSON.readTree(da));
      }
    }
    Row mc = fromJsonl.get("long_toc_choices-2");
    assertThat((String) mc.getAs("answer")).isEqualTo("B");
    assertThat((String) mc.getAs("question")).isEqualTo("Which?\n(A) a\n(B) b");
    assertThat((String) mc.getAs("prompt_tail")).endsWith(PromptTemplate.CHOICE_FORMAT);
    ObjectNode original = (ObjectNode) CurationCorpus.JSON.readTree(verl.get(0));
    String userMessage = original.get("prompt").get(0).get("content").asText();
    Row dm = fromJsonl.get("docmath_qa-1");
    assertThat((String) dm.getAs("prompt_head") + dm.getAs("document") + dm.getAs("prompt_tail"))
        .isEqualTo(userMessage);
  }

  /**
   * DocQA-RL-1.6K as Hugging Face {@code datasets} writes it (nested {@code prompt: list<struct<content, role>>},
   * {@code reward_model: struct<ground_truth, style>}, {@code extra_info: struct}; written by
   * {@code src/test/python/make_published_fixtures.py}) gives the same samples as the same records in JSON lines.
   */
  @Test
  void docQaRlParquetWrittenByDatasetsGivesTheSameSamplesAsJsonLines() throws Exception {
    Path dir = Path.of(getClass().getResource("/published/docqa").toURI());
    Map<String, Row> fromParquet = samples(dir.resolve("docqa-rl.parquet"));
    Map<String, Row> fromJsonl = samples(dir.resolve("docqa-rl.jsonl"));
    assertThat(fromParquet.keySet())
        .containsExactly("docmath_qa-0", "long_toc_choices_0_20000-2", "multihoprag_qa-1")
        .isEqualTo(fromJsonl.keySet());
    for (String id : fromJsonl.keySet()) {
      for (String col : List.of("data_source", "ability", "question", "document", "answer", "prompt_head",
          "prompt_tail", "trace", "task", "difficulty", "doc_hash", "dedup_key")) {
        assertThat((Object) fromParquet.get(id).getAs(col)).as("%s.%s", id, col)
            .isEqualTo(fromJsonl.get(id).getAs(col));
      }
    }
    assertThat((String) fromParquet.get("docmath_qa-0").getAs("answer")).isEqualTo("13.5");
    assertThat((String) fromParquet.get("multihoprag_qa-1").getAs("document"))
        .isEqualTo("Orlem Vasko was born in Kantria. The capital of Kantria is Dovel.");
    assertThat((String) fromParquet.get("long_toc_choices_0_20000-2").getAs("answer")).isEqualTo("B");
  }

  /** A JSON array and pandas' TSV give the same samples as JSON lines; a truncated array keeps what it can. */
  @Test
  void jsonArrayAndPandasTsvGiveTheSameSamplesAsJsonLines() throws Exception {
    Path dir = Path.of(getClass().getResource("/published").toURI());
    Map<String, Row> array = samples(dir.resolve("docqa/docqa-rl.json"));
    Map<String, Row> lines = samples(dir.resolve("docqa/docqa-rl.jsonl"));
    Map<String, Row> tsv = samples(dir.resolve("plain/plain.tsv"));
    Map<String, Row> plainLines = samples(dir.resolve("plain/plain.jsonl"));
    assertThat(array.keySet()).hasSize(3).isEqualTo(lines.keySet());
    assertThat(tsv.keySet()).containsExactly("p0", "p1").isEqualTo(plainLines.keySet());
    for (var pair : List.of(List.of(array, lines), List.of(tsv, plainLines))) {
      for (String id : pair.get(1).keySet()) {
        for (String col : List.of("data_source", "question", "document", "answer", "prompt_head", "prompt_tail")) {
          assertThat((Object) pair.get(0).get(id).getAs(col)).as("%s.%s", id, col)
              .isEqualTo(pair.get(1).get(id).getAs(col));
        }
      }
    }
    assertThat((String) tsv.get("p0").getAs("document")).isEqualTo("Port Elm has a lighthouse built in 1832.\n"
        + "It is \"white\", tall.");

    Path truncated = tmp.resolve("truncated.json");
    String text = Files.readString(dir.resolve("docqa/docqa-rl.json"));
    Files.writeString(truncated, text.substring(0, text.indexOf("multihoprag_qa") + 40));
    CurateConfig cfg = CurateConfig.defaults();
    List<Row> raw = Validation.parse(Ingest.read(spark(), Ingest.resolve(spark(), List.of(truncated.toString())),
        cfg.maxRecordBytes()), cfg).collectAsList();
    assertThat(raw).hasSize(2);
    assertThat(raw.stream().filter(r -> r.getAs("reason") == null).count()).isEqualTo(1);
    assertThat(raw).anySatisfy(r -> assertThat((String) r.getAs("reason")).isEqualTo("MALFORMED_JSON"));
  }

  /** A Parquet or TSV file in neither layout is one error naming the expected and the found columns. */
  @Test
  void aTableInNeitherLayoutIsOneErrorNamingTheColumns() throws Exception {
    Path dir = Path.of(getClass().getResource("/published").toURI());
    for (String wrong : List.of("mrcr/2needle.parquet", "frames/test.tsv")) {
      String path = dir.resolve(wrong).toString();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ingest.read(spark(),
              Ingest.resolve(spark(), List.of(path)), CurateConfig.defaults().maxRecordBytes()))
          .isInstanceOf(CurateErrors.CurateException.class)
          .hasMessageContaining("Cannot curate")
          .hasMessageContaining(wrong.startsWith("mrcr") ? "[prompt, answer, random_string_to_prepend" : "Prompt")
          .hasMessageContaining("plain layout [id, context, question, answer, source]");
    }
  }

  private Map<String, Row> samples(Path... inputs) {
    List<String> paths = new ArrayList<>();
    for (Path p : inputs) {
      paths.add(p.toString());
    }
    CurateConfig cfg = CurateConfig.defaults();
    Dataset<Row> parsed = Validation.parse(Ingest.read(spark(), Ingest.resolve(spark(), paths), cfg.maxRecordBytes()),
        cfg);
    Map<String, Row> out = new TreeMap<>();
    for (Row r : parsed.collectAsList()) {
      assertThat((String) r.getAs("reason")).as("%s", r).isNull();
      out.put(r.getAs("sample_id"), r);
    }
    return out;
  }
}
