package io.longctx.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.cli.LongctxCli;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.testing.SparkTestBase;
import io.longctx.transforms.CurationCorpus;
import io.longctx.transforms.LengthBuckets;
import io.longctx.transforms.PromptTemplate;
import io.longctx.transforms.ReasonCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The curation job end to end over a corpus with every kind of bad input, duplicates and contamination. */
class CurateSamplesJobTest extends SparkTestBase {
  static final List<Integer> CAPS = List.of(300, 600, 1200);
  @TempDir static Path tmp;
  static Path warehouse;
  static Path jsonl;
  static Path csv;
  static Path parquet;
  static CurationCorpus corpus;
  static Map<String, String> expectedAnswers = new LinkedHashMap<>();
  static Map<String, String> untruncatedPrompts = new LinkedHashMap<>();
  static long csvRows;
  static long parquetRows;
  static CurateSamplesJob.Result first;

  @BeforeAll
  static void buildCorpusAndRun() throws Exception {
    warehouse = tmp.resolve("wh");
    corpus = new CurationCorpus(7);
    CurationCorpus c = corpus;
    // good plain records across the buckets (one over the largest cap: truncated)
    int[] sizes = {40, 120, 250, 400, 1000, 700, 850, 950, 1600, 3000};
    ObjectNode[] good = new ObjectNode[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      good[i] = c.plainGood("g" + i, sizes[i]);
      c.add(good[i], null);
    }
    // verl layout: numeric (DocMath), multiple choice, free text
    c.add(c.verl("docmath_qa", 7, c.document(300, "Ralo", "12.5"), "What is the sum for Ralo?", "12.5"), null);
    c.add(c.verl("long_toc_choices_x", 8, c.document(300, "Mika", "B"),
        "Which chapter?\n(A) one\n(B) two\n(C) three\n(D) four", "(B)"), null);
    c.add(c.verl("musique", 9, c.document(200, "Tuvas", "Belhax"), "Who founded Tuvas?", "Belhax"), null);
    // exact duplicates: same question and document after normalisation (case, whitespace), and a repeated line
    ObjectNode dup = good[1].deepCopy();
    dup.put("id", "dup-of-g1");
    dup.put("context", "  " + good[1].get("context").asText().toUpperCase().replace(" ", "  ") + "\n");
    c.add(dup, null);
    c.add(good[2], null);
    // near duplicate of g4 (1000 bytes): one word changed
    ObjectNode near = good[4].deepCopy();
    near.put("id", "near-g4");
    String doc4 = good[4].get("context").asText();
    int sp = doc4.indexOf(' ', doc4.length() / 3);
    near.put("context", doc4.substring(0, sp) + " changed" + doc4.substring(doc4.indexOf(' ', sp + 1)));
    c.add(near, null);
    // contaminated: its document is a held-out record's document
    String heldDoc = c.document(600, "Osterin", "4242");
    c.add(c.plain("contam-1", "synth_retrieval", heldDoc, "Where is Osterin?", "nowhere"), null);
    addBadInputs(c, good[0]);
    jsonl = tmp.resolve("in/mixed.jsonl");
    c.write(jsonl);
    for (ObjectNode g : good) {
      expectedAnswers.put(g.get("id").asText(), g.get("answer").asText());
      untruncatedPrompts.put(g.get("id").asText(),
          PromptTemplate.build(g.get("context").asText(), g.get("question").asText(), false).prompt());
    }

    // held-out eval set at the default location
    CurationCorpus held = new CurationCorpus(99);
    held.add(held.plain("h1", "synth_retrieval", heldDoc, "What is the code of Osterin?", "4242"), null);
    held.add(held.plainGood("h2", 500), null);
    held.write(warehouse.resolve("synth/heldout.jsonl"));

    csv = tmp.resolve("in/plain.csv");
    Files.writeString(csv, "id,context,question,answer,source\n"
        + "csv-1,\"A document, with a comma. The code of Vasren is 77.\",What is the code of Vasren?,77,csv_src\n"
        + "csv-2,too,many,fields,here,extra\n");
    csvRows = 2;

    parquet = tmp.resolve("in/wrong-types.parquet");
    Dataset<Row> wrong = spark().sql("SELECT 'pq-' || id AS id, CAST(id AS INT) AS context, 'q?' AS question,"
        + " '1' AS answer, 'src' AS source FROM range(3)");
    wrong.coalesce(1).write().parquet(parquet.toString());
    parquetRows = 3;

    first = new CurateSamplesJob(spark(), config(), Warehouse.at(warehouse.toString()),
        List.of(jsonl.toString(), csv.toString(), parquet.toString())).execute();
  }

  static void addBadInputs(CurationCorpus c, ObjectNode g0) {
    c.add("{\"id\": \"bad-1\", \"context\": \"abc\"", ReasonCode.MALFORMED_JSON);
    c.add("[1, 2, 3]", ReasonCode.NOT_AN_OBJECT);
    c.add("", ReasonCode.EMPTY_RECORD);
    c.addBytes(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}, ReasonCode.INVALID_UTF8);
    c.add("{\"id\":\"bad-5\",\"context\":\"a \\ud800 b\",\"question\":\"q?\",\"answer\":\"1\",\"source\":\"s\"}",
        ReasonCode.INVALID_TEXT);
    c.add(c.plainGood("bad-6", 7000), ReasonCode.OVERSIZE_RECORD);
    c.add("{\"foo\": 1, \"bar\": 2}", ReasonCode.UNKNOWN_LAYOUT);
    ObjectNode noAnswer = c.plainGood("bad-8", 100);
    noAnswer.remove("answer");
    c.add(noAnswer, ReasonCode.MISSING_FIELD);
    c.add(c.plainGood("bad-9", 100).put("context", 42), ReasonCode.WRONG_TYPE);
    c.add(c.plainGood("bad-10", 100).put("context", "   \n "), ReasonCode.EMPTY_DOCUMENT);
    c.add(c.plainGood("bad-11", 100).put("question", ""), ReasonCode.EMPTY_QUESTION);
    c.add(c.plainGood("bad-12", 100).put("answer", "  "), ReasonCode.EMPTY_ANSWER);
    c.add(c.plainGood("bad-13", 100).put("source", "docmath_qa").put("answer", "forty two"),
        ReasonCode.UNANSWERABLE_GOLD);
    c.add(c.plainGood("bad-14", 100).put("source", "long_toc_choices").put("answer", "E"),
        ReasonCode.UNANSWERABLE_GOLD);
    ObjectNode v15 = c.verl("musique", 15, "doc", "q?", "a");
    v15.put("prompt", "not a list");
    c.add(v15, ReasonCode.WRONG_TYPE);
    ObjectNode v16 = c.verl("musique", 16, "doc", "q?", "a");
    ((com.fasterxml.jackson.databind.node.ObjectNode) v16.get("prompt").get(0)).put("role", "system");
    c.add(v16, ReasonCode.BAD_PROMPT);
    ObjectNode v17 = c.verl("musique", 17, "doc", "q?", "a");
    ((ObjectNode) v17.get("prompt").get(0)).put("content", "Answer this without any document.");
    c.add(v17, ReasonCode.BAD_PROMPT);
    ObjectNode v18 = c.verl("musique", 18, "doc", "q?", "a");
    ((ObjectNode) v18.get("reward_model")).remove("ground_truth");
    c.add(v18, ReasonCode.MISSING_FIELD);
    ObjectNode v19 = c.verl("musique", 19, "doc", "q?", "a");
    ((ObjectNode) v19.get("extra_info")).remove("index");
    c.add(v19, ReasonCode.MISSING_FIELD);
    c.add(c.plainGood(g0.get("id").asText(), 150), ReasonCode.DUPLICATE_ID);
    c.add("{\"id\":\"x\",\"id\":\"y\",\"context\":\"c\",\"question\":\"q\",\"answer\":\"a\",\"source\":\"s\"}",
        ReasonCode.MALFORMED_JSON);
    c.add(c.plainGood("bad-22", 100) + " trailing", ReasonCode.MALFORMED_JSON);
    ObjectNode d23 = c.plainGood("bad-23", 100);
    ((ObjectNode) d23.get("difficulty")).put("hops", "two");
    c.add(d23, ReasonCode.WRONG_TYPE);
    c.add(c.plainGood("bad-24", 100).put("trace", 12), ReasonCode.WRONG_TYPE);
    ObjectNode d25 = c.plainGood("bad-25", 100);
    d25.putObject("id").put("a", 1);
    c.add(d25, ReasonCode.WRONG_TYPE);
    c.add(c.plainGood("bad-26", 100).putNull("context"), ReasonCode.MISSING_FIELD);
    c.add(c.plainGood("bad-27", 100).put("question", "Why " + "so ".repeat(500) + "long?"),
        ReasonCode.OVERLONG_PROMPT);
    c.add(c.plainGood("bad-28", 100).put("context", "nul \u0000 inside"), ReasonCode.INVALID_TEXT);
    c.add("null", ReasonCode.NOT_AN_OBJECT);
    c.add("{}", ReasonCode.EMPTY_RECORD);
    c.add(c.plainGood("bad-31", 100).put("source", "docmath").put("answer", "NaN"), ReasonCode.UNANSWERABLE_GOLD);
    ObjectNode v32 = c.verl("musique", 32, "doc", "q?", "a");
    ((ObjectNode) v32.get("prompt").get(0)).remove("content");
    c.add(v32, ReasonCode.WRONG_TYPE);
    c.add("\"just a string\"", ReasonCode.NOT_AN_OBJECT);
    c.add(c.plainGood("", 100), ReasonCode.WRONG_TYPE);
  }

  static LongctxConfig config() {
    Map<String, String> sets = new HashMap<>();
    sets.put("warehouse", warehouse.toString());
    sets.put("curate.buckets", "[300, 600, 1200]");
    sets.put("curate.max-record-bytes", "6000");
    sets.put("curate.partitions", "2");
    return ConfigLoader.load(null, sets);
  }

  static Dataset<Row> table(String name) {
    return spark().read().format("delta").load(warehouse.resolve(name).toString());
  }

  @Test
  void everyBadInputIsQuarantinedWithItsReasonFileAndLine() {
    assertThat(corpus.expected).hasSizeGreaterThanOrEqualTo(30);
    Map<Long, String> actual = new HashMap<>();
    for (Row r : table("quarantine").where("source_file LIKE '%mixed.jsonl'")
        .select("record_number", "reason", "message").collectAsList()) {
      actual.put(r.getLong(0), r.getString(1));
      assertThat(r.getString(2)).as("message of record %d", r.getLong(0)).isNotBlank();
    }
    Map<Long, String> expected = new HashMap<>();
    corpus.expected.forEach((k, v) -> expected.put(k, v.name()));
    assertThat(actual).isEqualTo(expected);
    assertThat(table("quarantine").where("source_file LIKE '%plain.csv'").select("record_number", "reason")
        .collectAsList()).extracting(Row::toString).containsExactly("[2,MALFORMED_CSV]");
    assertThat(table("quarantine").where("source_file LIKE '%wrong-types.parquet/%'").where("reason = 'WRONG_TYPE'")
        .count()).isEqualTo(parquetRows);
  }

  @Test
  void rowsInEqualSamplesPlusQuarantinePlusRemoved() {
    long rowsIn = corpus.lines() + csvRows + parquetRows;
    assertThat(first.rowsIn()).isEqualTo(rowsIn);
    assertThat(first.exactDuplicates()).isEqualTo(2);
    assertThat(first.nearDuplicates()).isEqualTo(1);
    assertThat(first.decontaminated()).isEqualTo(1);
    long samples = table("samples").count();
    long quarantined = table("quarantine").count();
    assertThat(quarantined).isEqualTo(corpus.expected.size() + 1 + parquetRows);
    assertThat(samples).isEqualTo(10 + 3 + 1);
    assertThat(rowsIn).isEqualTo(samples + quarantined + first.exactDuplicates() + first.nearDuplicates()
        + first.decontaminated());
    assertThat(first.balanced()).isTrue();
  }

  @Test
  void samplesCarryTemplatedPromptsTokenCountsAndBuckets() {
    ByteTokenizer tok = new ByteTokenizer();
    List<Row> rows = table("samples").collectAsList();
    for (Row r : rows) {
      String prompt = r.getAs("prompt");
      int tokens = r.getAs("prompt_tokens");
      assertThat(tokens).isEqualTo(tok.count(ChatTemplate.PLAIN.render(prompt)));
      assertThat((int) r.getAs("bucket")).isEqualTo(LengthBuckets.bucketOf(tokens, CAPS));
      assertThat(prompt).startsWith(PromptTemplate.HEAD).contains((String) r.getAs("document"));
    }
    Map<String, Row> byId = new HashMap<>();
    rows.forEach(r -> byId.put(r.getAs("sample_id"), r));
    assertThat(byId.keySet()).contains("g0", "g9", "docmath_qa-7", "long_toc_choices_x-8", "musique-9", "csv-1")
        .doesNotContain("dup-of-g1", "near-g4", "contam-1");
    Row g3 = byId.get("g3");
    assertThat((String) g3.getAs("prompt")).isEqualTo(PromptTemplate.HEAD + g3.getAs("document")
        + "\n</text>\n\n" + g3.getAs("question") + "\n\n" + PromptTemplate.ANSWER_FORMAT);
    assertThat((String) g3.getAs("answer")).isEqualTo(expectedAnswers.get("g3"));
    assertThat((String) g3.getAs("difficulty")).isEqualTo("{\"hops\":1,\"distance\":0.5}");
    assertThat((String) g3.getAs("trace")).endsWith("Therefore, the answer is " + expectedAnswers.get("g3") + ".");
    assertThat((String) byId.get("long_toc_choices_x-8").getAs("answer")).isEqualTo("B");
    assertThat((String) byId.get("long_toc_choices_x-8").getAs("prompt")).endsWith(PromptTemplate.CHOICE_FORMAT);
    assertThat((String) byId.get("docmath_qa-7").getAs("question")).isEqualTo("What is the sum for Ralo?");
    Row big = byId.get("g9");
    assertThat((boolean) big.getAs("truncated")).isTrue();
    assertThat((int) big.getAs("prompt_tokens")).isBetween(1200 - 4, 1200);
    assertThat((int) big.getAs("bucket")).isEqualTo(2);
    // independently: a good record is truncated iff its untruncated templated prompt is over the largest cap
    for (Map.Entry<String, String> e : untruncatedPrompts.entrySet()) {
      boolean over = tok.count(ChatTemplate.PLAIN.render(e.getValue())) > 1200;
      assertThat((boolean) byId.get(e.getKey()).getAs("truncated")).as(e.getKey()).isEqualTo(over);
    }
    assertThat(untruncatedPrompts).hasSize(10);
  }

  @Test
  void reportHasCountsAndAReadableHistogram() throws Exception {
    Path dir = warehouse.resolve("reports/curate");
    JsonNode report = CurationCorpus.JSON.readTree(dir.resolve("report.json").toFile());
    assertThat(report.get("rows_in").asLong()).isEqualTo(first.rowsIn());
    assertThat(report.get("balanced").asBoolean()).isTrue();
    assertThat(report.get("per_reason").get("MALFORMED_JSON").asLong()).isEqualTo(3);
    assertThat(report.get("per_reason").get("UNANSWERABLE_GOLD").asLong()).isEqualTo(3);
    assertThat(report.get("per_bucket")).hasSize(3);
    long bucketSum = 0;
    for (JsonNode b : report.get("per_bucket")) {
      bucketSum += b.get("samples").asLong();
    }
    assertThat(bucketSum).isEqualTo(first.samples());
    assertThat(report.get("examples").get("near_duplicates").get(0).get("near_duplicate_of").asText())
        .isEqualTo("g4");
    assertThat(report.get("examples").get("decontaminated").get(0).get("sample_id").asText())
        .isEqualTo("contam-1");
    BufferedImage png = ImageIO.read(dir.resolve("length-histogram.png").toFile());
    assertThat(png.getWidth()).isEqualTo(1000);
    assertThat(png.getHeight()).isEqualTo(560);
  }

  @Test
  void rerunThroughTheCliIsIdempotent() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int code;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      // the same tokenizer as the in-process run (the code default; conf/local.yaml uses synth-bpe)
      code = LongctxCli.execute("curate", "--warehouse", warehouse.toString(), "--set", "curate.buckets=[300, 600, 1200]",
          "--set", "curate.max-record-bytes=6000", "--set", "policy.tokenizer=byte", "--input", jsonl.toString(),
          "--input", csv.toString(), "--input", parquet.toString());
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    JsonNode summary = CurationCorpus.JSON.readTree(stdout.toString(StandardCharsets.UTF_8).strip());
    assertThat(summary.get("samples").asLong()).isEqualTo(first.samples());
    assertThat(summary.get("quarantined").asLong()).isEqualTo(first.quarantined());
    Dataset<Row> samples = table("samples");
    assertThat(samples.count()).isEqualTo(first.samples());
    assertThat(samples.select("sample_id").distinct().count()).isEqualTo(first.samples());
    assertThat(table("quarantine").count()).isEqualTo(first.quarantined());
  }

  @Test
  void helpDocumentsTheOptions() {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream old = System.out;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      assertThat(LongctxCli.execute("curate", "--help")).isZero();
    } finally {
      System.setOut(old);
    }
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("--input", "--conf", "--warehouse", "--set",
        "quarantine", "report.json");
  }

  @Test
  void lineNumbersSurviveFileSplits() throws Exception {
    String old = spark().conf().get("spark.sql.files.maxPartitionBytes");
    try {
      spark().conf().set("spark.sql.files.maxPartitionBytes", "2048");
      var sources = io.longctx.transforms.Ingest.resolve(spark(), List.of(jsonl.toString()));
      Dataset<Row> raw = io.longctx.transforms.Ingest.read(spark(), sources, 6000);
      assertThat(raw.rdd().getNumPartitions()).isGreaterThan(3);
      List<String> lines = Files.readAllLines(jsonl, StandardCharsets.ISO_8859_1);
      for (Row r : raw.where("text IS NOT NULL").collectAsList()) {
        long n = r.getAs("record_number");
        String text = r.getAs("text");
        assertThat(new String(lines.get((int) n - 1).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
            .isEqualTo(text);
      }
    } finally {
      spark().conf().set("spark.sql.files.maxPartitionBytes", old);
    }
  }
}
