package io.longctx.transforms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Normalised text keys for dedup and decontamination: NFKC, lower case, whitespace collapsed; words are maximal
 * runs of letters and digits; n-grams are hashed to 64 bits (FNV-1a).
 */
public final class TextKeys {
  private TextKeys() {}

  public static String normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return s.replaceAll("\\s+", " ").strip();
  }

  public static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Hash of the normalised document. */
  public static String docHash(String document) {
    return sha256(normalize(document));
  }

  /** Exact-duplicate key: hash of the normalised question and document. */
  public static String dedupKey(String question, String document) {
    return sha256(normalize(question) + "\u0001" + normalize(document));
  }

  /** Lower-cased words (runs of letters/digits) of the NFKC-normalised text. */
  public static List<String> words(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < s.length(); i++) {
      boolean w = Character.isLetterOrDigit(s.charAt(i));
      if (w && start < 0) {
        start = i;
      } else if (!w && start >= 0) {
        out.add(s.substring(start, i));
        start = -1;
      }
    }
    if (start >= 0) {
      out.add(s.substring(start));
    }
    return out;
  }

  /**
   * Hashes of every n-word window of {@code words}; a text shorter than n words yields one hash of all its words
   * (so short questions still count), an empty text none.
   */
  public static long[] ngramHashes(List<String> words, int n) {
    if (words.isEmpty()) {
      return new long[0];
    }
    int count = Math.max(1, words.size() - n + 1);
    int width = Math.min(n, words.size());
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      long h = 0xcbf29ce484222325L;
      for (int j = i; j < i + width; j++) {
        String w = words.get(j);
        for (int c = 0; c < w.length(); c++) {
          h ^= w.charAt(c);
          h *= 0x100000001b3L;
        }
        h ^= ' ';
        h *= 0x100000001b3L;
      }
      out[i] = h;
    }
    return out;
  }
}
