package io.longctx.transforms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test inputs generated from a fixed seed: good records, duplicates, and one line per kind of bad input, each
 * with the {@link ReasonCode} it must be quarantined with (null = must become a sample, or be removed as a
 * duplicate or as contaminated).
 */
public final class CurationCorpus {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "tu", "vas", "zor", "bel", "quin", "dra",
    "fen", "gol", "hax", "jup", "ny", "ost", "pim", "sul", "tev", "wix"};

  private final Random random;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  /** Expected quarantine reason by record number of the JSONL file (1-based); absent = not quarantined. */
  public final Map<Long, ReasonCode> expected = new LinkedHashMap<>();
  private long line;

  public CurationCorpus(long seed) {
    this.random = new Random(seed);
  }

  /** A pseudo-word from the syllable inventory. */
  public String word() {
    StringBuilder sb = new StringBuilder();
    int n = 2 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      sb.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
    }
    return sb.toString();
  }

  /** A document of random sentences, about {@code bytes} long, with a fact about {@code name}. */
  public String document(int bytes, String name, String value) {
    StringBuilder sb = new StringBuilder();
    int factAt = bytes / 2;
    boolean placed = false;
    while (sb.length() < bytes) {
      if (!placed && sb.length() >= factAt) {
        sb.append("The code of ").append(name).append(" is ").append(value).append(". ");
        placed = true;
      }
      sb.append("The ").append(word()).append(" of ").append(word()).append(" holds ")
          .append(random.nextInt(10000)).append(" ").append(word()).append(". ");
    }
    if (!placed) {
      sb.append("The code of ").append(name).append(" is ").append(value).append(".");
    }
    return sb.toString().strip();
  }

  public ObjectNode plain(String id, String source, String context, String question, String answer) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id);
    o.put("context", context);
    o.put("question", question);
    o.put("answer", answer);
    o.put("source", source);
    return o;
  }

  public ObjectNode plainGood(String id, int docBytes) {
    String name = word();
    String value = String.valueOf(1000 + random.nextInt(9000));
    ObjectNode o = plain(id, "synth_retrieval", document(docBytes, name, value), "What is the code of " + name + "?",
        value);
    o.put("trace", "<think>\n" + name + " code " + value + ".\n</think>\n\nTherefore, the answer is " + value + ".");
    o.put("task", "retrieval");
    ObjectNode d = o.putObject("difficulty");
    d.put("hops", 1);
    d.put("distance", 0.5);
    return o;
  }

  public ObjectNode verl(String source, int index, String document, String question, String gold) {
    ObjectNode o = JSON.createObjectNode();
    o.put("data_source", source);
    ArrayNode prompt = o.putArray("prompt");
    ObjectNode user = prompt.addObject();
    user.put("role", "user");
    boolean mc = source.contains("long_toc_choices");
    user.put("content", PromptTemplate.build(document, question, mc).prompt());
    o.put("ability", "doc-qa");
    ObjectNode rm = o.putObject("reward_model");
    rm.put("style", "rule");
    rm.put("ground_truth", gold);
    ObjectNode extra = o.putObject("extra_info");
    extra.put("index", index);
    extra.put("split", "train");
    return o;
  }

  /** Appends a record; {@code reason} is what quarantine must say about it (null: not quarantined). */
  public long add(Object record, ReasonCode reason) {
    String text = record instanceof String s ? s : record.toString();
    return addBytes(text.getBytes(StandardCharsets.UTF_8), reason);
  }

  public long addBytes(byte[] bytes, ReasonCode reason) {
    out.writeBytes(bytes);
    out.write('\n');
    line++;
    if (reason != null) {
      expected.put(line, reason);
    }
    return line;
  }

  public void write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, out.toByteArray());
  }

  public long lines() {
    return line;
  }

  /** Rows of a JSONL file as ObjectNodes (for writing the same records as Parquet through Spark). */
  public static List<String> lines(List<ObjectNode> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(r.toString()));
    return out;
  }
}
