package io.longctx.policy.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a {@link BpeTokenizer} as a Hugging Face {@code tokenizer.json}, so that checkpoints of the embedded model
 * can be used with {@code transformers} / {@code tokenizers} (and by this project's Hugging Face tokenizer path):
 * a byte-level BPE model with the same ids and merges, the same Qwen2 split pattern followed by the byte-level
 * mapping, no normalizer (this tokenizer does not normalise), and {@code <|endoftext|>} (256) and {@code <|pad|>}
 * (257) as special added tokens. Encoding and decoding through the Rust {@code tokenizers} library give the same
 * ids and text as {@link BpeTokenizer} ({@code BpeHuggingFaceParityTest}).
 */
public final class HuggingFaceExport {
  private static final String EOS_TEXT = ByteTokenizer.EOS_TEXT;
  private static final String PAD_TEXT = ByteTokenizer.PAD_TEXT;
  static final String CONFIG_JSON = "tokenizer_config.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** The byte -> printable character table of GPT-2's byte-level BPE. */
  private static final char[] BYTE_CHARS = byteChars();

  private HuggingFaceExport() {}

  /** The {@code tokenizer.json} tree of {@code tok}. */
  public static ObjectNode tree(BpeTokenizer tok) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    addSpecial(added, BpeTokenizer.EOS, EOS_TEXT);
    addSpecial(added, BpeTokenizer.PAD, PAD_TEXT);
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    ObjectNode split = steps.addObject();
    split.put("type", "Split");
    split.putObject("pattern").put("Regex", BpeTokenizer.PRE_TOKENS.pattern());
    split.put("behavior", "Isolated");
    split.put("invert", false);
    byteLevel(steps.addObject());
    root.putNull("post_processor");
    byteLevel(root.putObject("decoder"));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.put("continuing_subword_prefix", "");
    model.put("end_of_word_suffix", "");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    // The special tokens are in the model's vocabulary too: an added token missing from it would be given the next
    // free id at load time (the vocabulary's size), not 256 / 257.
    for (int id = 0; id < tok.vocabSize(); id++) {
      vocab.put(id == BpeTokenizer.EOS ? EOS_TEXT : id == BpeTokenizer.PAD ? PAD_TEXT : symbol(tok.bytes(id)), id);
    }
    ArrayNode merges = model.putArray("merges");
    List<int[]> pairs = tok.merges();
    for (int[] m : pairs) {
      merges.addArray().add(symbol(tok.bytes(m[0]))).add(symbol(tok.bytes(m[1])));
    }
    return root;
  }

  /**
   * The {@code tokenizer_config.json} that goes beside the export: the fast-tokenizer class (so {@code AutoTokenizer}
   * reads {@code tokenizer.json} as is rather than a model family's class with its own defaults), end-of-text as EOS
   * and {@code <|pad|>} as padding, no BOS.
   */
  public static ObjectNode config() {
    ObjectNode c = JSON.createObjectNode();
    c.put("tokenizer_class", "PreTrainedTokenizerFast");
    c.put("eos_token", EOS_TEXT);
    c.put("pad_token", PAD_TEXT);
    c.putNull("bos_token");
    c.putNull("unk_token");
    c.put("clean_up_tokenization_spaces", false);
    c.put("model_max_length", 32768);
    return c;
  }

  /** Writes {@code tok} to {@code file} (a {@code tokenizer.json}) and its {@link #config()} beside it. */
  public static void write(BpeTokenizer tok, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, JSON.writeValueAsString(tree(tok)) + "\n");
      Files.writeString(file.resolveSibling(CONFIG_JSON), JSON.writeValueAsString(config()) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** A token's bytes in the byte-level alphabet (each byte one printable character). */
  static String symbol(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      sb.append(BYTE_CHARS[b & 0xFF]);
    }
    return sb.toString();
  }

  private static void addSpecial(ArrayNode added, int id, String content) {
    ObjectNode t = added.addObject();
    t.put("id", id);
    t.put("content", content);
    t.put("single_word", false);
    t.put("lstrip", false);
    t.put("rstrip", false);
    t.put("normalized", false);
    t.put("special", true);
  }

  private static void byteLevel(ObjectNode n) {
    n.put("type", "ByteLevel");
    n.put("add_prefix_space", false);
    n.put("trim_offsets", false);
    n.put("use_regex", false);
  }

  /**
   * GPT-2's {@code bytes_to_unicode}: the printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) stand
   * for themselves, every other byte for the next character from U+0100 on, in byte order.
   */
  private static char[] byteChars() {
    char[] out = new char[256];
    int next = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      out[b] = printable ? (char) b : (char) next++;
    }
    return out;
  }
}
