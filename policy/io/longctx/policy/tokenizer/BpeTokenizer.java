package io.longctx.policy.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE tokenizer (the GPT-2 / Qwen2 family) with a small vocabulary for the embedded model: ids 0-255
 * are the bytes (so every text encodes losslessly), 256 is end-of-text, 257 padding, and id {@code 258 + k} is the
 * k-th merge. Text is first split into pre-tokens with Qwen2's pattern (letter runs with one optional leading
 * non-letter, single digits, punctuation runs, whitespace), then each pre-token's bytes are merged pair by pair,
 * lowest merge rank first. Numbers therefore always split into single digits, as in Qwen2.
 *
 * <p>The merges come from {@link BpeTrainer}; {@link #write} and {@link #read} store them as text (a header line,
 * then one merge per line: the two ids it joins). Instances cache the encoding of recent pre-tokens and are not
 * thread-safe (open one per thread from a {@link TokenizerSpec}).
 */
public final class BpeTokenizer implements Tokenizer {
  public static final int EOS = ByteTokenizer.EOS;
  public static final int PAD = ByteTokenizer.PAD;
  /** The first merged token's id. */
  public static final int FIRST_MERGE = ByteTokenizer.VOCAB_SIZE;
  static final String HEADER = "#longctx-bpe v1 qwen2-pretokenizer";
  /**
   * Qwen2's pre-tokenizer pattern (contractions, letters, single digits, punctuation, newlines, spaces), with
   * {@code \s} meaning Unicode white space as in the Rust {@code tokenizers} library (Java's default {@code \s} is
   * ASCII only, which made U+2003 and U+3000 join the next punctuation run).
   */
  static final Pattern PRE_TOKENS = Pattern.compile(
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final int CACHE_LIMIT = 100_000;

  private final int[][] merges;
  private final Map<Long, Integer> rank;
  private final byte[][] bytesOf;
  private final Map<String, int[]> cache = new HashMap<>();

  /** @param merges pairs of ids, in rank order; merge k creates id {@code 258 + k} */
  public BpeTokenizer(List<int[]> merges) {
    this.merges = merges.toArray(new int[0][]);
    this.rank = new HashMap<>(merges.size() * 2);
    this.bytesOf = new byte[FIRST_MERGE + merges.size()][];
    for (int b = 0; b < 256; b++) {
      bytesOf[b] = new byte[] {(byte) b};
    }
    bytesOf[EOS] = new byte[0];
    bytesOf[PAD] = new byte[0];
    for (int k = 0; k < this.merges.length; k++) {
      int[] m = this.merges[k];
      int id = FIRST_MERGE + k;
      if (m.length != 2 || !isMergeable(m[0], id) || !isMergeable(m[1], id)) {
        throw new IllegalArgumentException("BPE merge " + k + " " + Arrays.toString(m)
            + " must join two byte or earlier merged ids below " + id);
      }
      if (rank.putIfAbsent(key(m[0], m[1]), k) != null) {
        throw new IllegalArgumentException("BPE merge " + k + " " + Arrays.toString(m) + " repeats an earlier merge");
      }
      byte[] a = bytesOf[m[0]];
      byte[] b = bytesOf[m[1]];
      byte[] joined = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, joined, a.length, b.length);
      bytesOf[id] = joined;
    }
  }

  private static boolean isMergeable(int id, int below) {
    return id >= 0 && id < below && id != EOS && id != PAD;
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  /** The merges in rank order (copies). */
  public List<int[]> merges() {
    List<int[]> out = new ArrayList<>(merges.length);
    for (int[] m : merges) {
      out.add(m.clone());
    }
    return out;
  }

  @Override
  public int[] encode(String text) {
    int[] out = new int[Math.max(16, text.length())];
    int n = 0;
    Matcher m = PRE_TOKENS.matcher(text);
    while (m.find()) {
      int[] ids = encodePreToken(m.group());
      if (n + ids.length > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, n + ids.length));
      }
      System.arraycopy(ids, 0, out, n, ids.length);
      n += ids.length;
    }
    return Arrays.copyOf(out, n);
  }

  private int[] encodePreToken(String piece) {
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    int[] ids = ByteTokenizer.byteIds(piece);
    int len = ids.length;
    while (len > 1) {
      int best = Integer.MAX_VALUE;
      int at = -1;
      for (int i = 0; i + 1 < len; i++) {
        Integer r = rank.get(key(ids[i], ids[i + 1]));
        if (r != null && r < best) {
          best = r;
          at = i;
        }
      }
      if (at < 0) {
        break;
      }
      // merge every occurrence of the best pair, left to right (the standard BPE application order)
      int[] pair = merges[best];
      int w = 0;
      for (int i = 0; i < len; i++) {
        if (i + 1 < len && ids[i] == pair[0] && ids[i + 1] == pair[1]) {
          ids[w++] = FIRST_MERGE + best;
          i++;
        } else {
          ids[w++] = ids[i];
        }
      }
      len = w;
    }
    int[] result = Arrays.copyOf(ids, len);
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(piece, result);
    return result;
  }

  @Override
  public String decode(int[] ids) {
    int n = 0;
    for (int id : ids) {
      n += id >= 0 && id < bytesOf.length && id != EOS ? bytesOf[id].length : 1;
    }
    int[] expanded = new int[n];
    int k = 0;
    for (int id : ids) {
      if (id >= FIRST_MERGE && id < bytesOf.length) {
        for (byte b : bytesOf[id]) {
          expanded[k++] = b & 0xFF;
        }
      } else if (id != PAD) {
        expanded[k++] = id; // a byte, end-of-text, or an out-of-range id that decodes to nothing
      }
    }
    return ByteTokenizer.decodeBytes(expanded);
  }

  /** The bytes token {@code id} stands for (empty for the special tokens). */
  public byte[] bytes(int id) {
    return bytesOf[id].clone();
  }

  @Override
  public int vocabSize() {
    return bytesOf.length;
  }

  @Override
  public int[] stopTokenIds() {
    return new int[] {EOS};
  }

  @Override
  public int padTokenId() {
    return PAD;
  }

  /** Writes the merges in the text format {@link #read} takes. */
  public void write(Writer out) throws IOException {
    out.write(HEADER);
    out.write('\n');
    for (int[] m : merges) {
      out.write(m[0] + " " + m[1] + "\n");
    }
  }

  public void write(Path file) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(w);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write BPE merges to " + file, e);
    }
  }

  /** Reads a merges file written by {@link #write}; {@code source} names it in error messages. */
  public static BpeTokenizer read(InputStream in, String source) {
    List<int[]> merges = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = r.readLine();
      if (!HEADER.equals(header)) {
        throw new IllegalArgumentException("Not a longctx BPE merges file: " + source + " (first line must be '"
            + HEADER + "', got '" + header + "')");
      }
      String line;
      int lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        try {
          if (parts.length != 2) {
            throw new NumberFormatException("expected two ids");
          }
          merges.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "Bad BPE merge at " + source + " line " + lineNo + ": '" + line + "' (" + e.getMessage() + ")");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read BPE merges " + source, e);
    }
    try {
      return new BpeTokenizer(merges);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  public static BpeTokenizer read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read BPE merges " + file, e);
    }
  }

  /** Pre-tokens of {@code text} (the units merges never cross), in order. */
  static List<String> preTokens(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PRE_TOKENS.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Token id -> its text, for inspection (invalid UTF-8 fragments decode with replacement characters). */
  public Map<Integer, String> vocabulary() {
    Map<Integer, String> v = new LinkedHashMap<>();
    for (int id = 0; id < bytesOf.length; id++) {
      v.put(id, id == EOS ? ByteTokenizer.EOS_TEXT : id == PAD ? ByteTokenizer.PAD_TEXT : new String(bytesOf[id], StandardCharsets.UTF_8));
    }
    return v;
  }
}
