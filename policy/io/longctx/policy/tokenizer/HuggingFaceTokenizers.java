package io.longctx.policy.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens Hugging Face {@code tokenizer.json} files through DJL tokenizers (the Rust {@code tokenizers} library).
 * The returned {@link Tokenizer} encodes text as-is (no special tokens added, no truncation, no padding), decodes
 * with special tokens rendered, and takes its vocabulary size and stop/pad ids from the file's vocabulary and
 * added tokens (and from a {@code tokenizer_config.json} beside it, when present).
 */
public final class HuggingFaceTokenizers {
  /** Added tokens that end a turn or a text in the model families this project supports. */
  static final List<String> KNOWN_STOP_TOKENS =
      List.of("<|im_end|>", "<|endoftext|>", "<｜end▁of▁sentence｜>", "<|eot_id|>", "<|end_of_text|>", "</s>");

  private HuggingFaceTokenizers() {}

  /**
   * @param path a {@code tokenizer.json} file or a model directory that holds one
   * @throws IllegalArgumentException if no readable {@code tokenizer.json} is there
   */
  public static Tokenizer open(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "Cannot open tokenizer " + path + ": no tokenizer.json there. Set policy.tokenizer to a tokenizer.json"
              + " file or a Hugging Face model directory, or to 'byte' for the embedded model.");
    }
    Vocabulary vocab = Vocabulary.read(file);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("addSpecialTokens", "false");
    options.put("truncation", "false");
    options.put("padding", "false");
    options.put("maxLength", "-1");
    try {
      // newInstance(Path, ...) reads the local file; the String overload would go to the hub.
      HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, options);
      return new DjlTokenizer(hf, vocab);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  /** Vocabulary facts DJL does not expose: size and the ids of the added (special) tokens. */
  record Vocabulary(int size, int[] stopIds, int padId) {
    static Vocabulary read(Path file) {
      ObjectMapper json = new ObjectMapper();
      try {
        JsonNode root = json.readTree(file.toFile());
        int maxId = -1;
        JsonNode modelVocab = root.path("model").path("vocab");
        if (modelVocab.isObject()) {
          for (JsonNode id : modelVocab) {
            maxId = Math.max(maxId, id.asInt());
          }
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
          added.put(t.path("content").asText(), t.path("id").asInt());
          maxId = Math.max(maxId, t.path("id").asInt());
        }
        if (maxId < 0) {
          throw new IllegalArgumentException("Cannot open tokenizer " + file + ": it has an empty vocabulary");
        }
        Map<String, Object> config = readConfig(json, file.resolveSibling("tokenizer_config.json"));
        int[] stops = KNOWN_STOP_TOKENS.stream().filter(added::containsKey).mapToInt(added::get).toArray();
        Object eos = config.get("eos_token");
        if (eos instanceof String s && added.containsKey(s) && java.util.Arrays.stream(stops).noneMatch(i -> i == added.get(s))) {
          stops = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(added.get(s)), java.util.Arrays.stream(stops)).toArray();
        }
        Object pad = config.get("pad_token");
        int padId;
        if (pad instanceof String s && added.containsKey(s)) {
          padId = added.get(s);
        } else if (added.containsKey("<|endoftext|>")) {
          padId = added.get("<|endoftext|>");
        } else {
          padId = stops.length > 0 ? stops[stops.length - 1] : maxId;
        }
        return new Vocabulary(maxId + 1, stops, padId);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read tokenizer " + file + " as JSON: " + e.getMessage(), e);
      }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readConfig(ObjectMapper json, Path config) throws IOException {
      if (!Files.isRegularFile(config)) {
        return Map.of();
      }
      Map<String, Object> raw = json.readValue(config.toFile(), Map.class);
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : raw.entrySet()) {
        Object v = e.getValue();
        // special tokens may be plain strings or {"content": ...} objects
        if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) {
          v = s;
        }
        out.put(e.getKey(), v);
      }
      return out;
    }
  }

  /** A {@link Tokenizer} over one DJL {@link HuggingFaceTokenizer}; not thread-safe, close it when done. */
  static final class DjlTokenizer implements Tokenizer {
    private final HuggingFaceTokenizer hf;
    private final Vocabulary vocab;

    DjlTokenizer(HuggingFaceTokenizer hf, Vocabulary vocab) {
      this.hf = hf;
      this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
      long[] ids = hf.encode(text, false, false).getIds();
      int[] out = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        out[i] = (int) ids[i];
      }
      return out;
    }

    @Override
    public String decode(int[] ids) {
      long[] longs = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        longs[i] = ids[i];
      }
      return hf.decode(longs, false);
    }

    @Override
    public int vocabSize() {
      return vocab.size();
    }

    @Override
    public int[] stopTokenIds() {
      return vocab.stopIds().clone();
    }

    @Override
    public int padTokenId() {
      return vocab.padId();
    }

    @Override
    public void close() {
      hf.close();
    }
  }
}
