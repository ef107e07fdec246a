package io.longctx.policy.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.PolicyErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens Hugging Face {@code tokenizer.json} files through DJL tokenizers (local files only, never the hub). */
public final class HuggingFaceTokenizers {
  /** End-of-text / end-of-turn markers of the model families we serve, in preference order. */
  static final List<String> STOP_TOKENS =
      List.of("<|endoftext|>", "<|im_end|>", "<｜end▁of▁sentence｜>", "</s>", "<|eot_id|>");

  private HuggingFaceTokenizers() {}

  /** @param path a {@code tokenizer.json} file or a model directory that holds one */
  public static Tokenizer open(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    if (!Files.isRegularFile(file)) {
      throw PolicyErrors.unreadable(path, new IOException("no tokenizer.json found"));
    }
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      Map<String, Integer> added = new LinkedHashMap<>();
      int maxId = -1;
      for (JsonNode t : root.path("added_tokens")) {
        added.put(t.path("content").asText(), t.path("id").asInt());
        maxId = Math.max(maxId, t.path("id").asInt());
      }
      for (Iterator<JsonNode> it = root.path("model").path("vocab").elements(); it.hasNext(); ) {
        maxId = Math.max(maxId, it.next().asInt());
      }
      List<Integer> stops = new ArrayList<>();
      for (String s : STOP_TOKENS) {
        if (added.containsKey(s)) {
          stops.add(added.get(s));
        }
      }
      int pad = stops.isEmpty() ? 0 : stops.get(0);
      HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
      return new HfTokenizer(tok, maxId + 1, stops.stream().mapToInt(Integer::intValue).toArray(), pad);
    } catch (IOException | RuntimeException e) {
      throw PolicyErrors.unreadable(file, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
    }
  }

  /** A DJL Hugging Face tokenizer behind the project's {@link Tokenizer} contract. */
  static final class HfTokenizer implements Tokenizer {
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final int[] stops;
    private final int pad;

    HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, int[] stops, int pad) {
      this.tokenizer = tokenizer;
      this.vocabSize = vocabSize;
      this.stops = stops;
      this.pad = pad;
    }

    @Override
    public int[] encode(String text) {
      long[] ids = tokenizer.encode(text, false, false).getIds();
      int[] out = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        out[i] = Math.toIntExact(ids[i]);
      }
      return out;
    }

    @Override
    public String decode(int[] ids) {
      long[] l = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        l[i] = ids[i];
      }
      return tokenizer.decode(l, false);
    }

    @Override
    public int vocabSize() {
      return vocabSize;
    }

    @Override
    public int[] stopTokenIds() {
      return stops.clone();
    }

    @Override
    public int padTokenId() {
      return pad;
    }

    @Override
    public void close() {
      tokenizer.close();
    }
  }
}
