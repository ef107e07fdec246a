package io.longctx.policy.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The embedded model's tokenizer: one token per UTF-8 byte (ids 0..255) plus special tokens. Lossless for any
 * text; invalid byte sequences produced by a model decode with the Unicode replacement character.
 */
public final class ByteTokenizer implements Tokenizer {
  /** End of text / end of turn: generation stops here. */
  public static final int EOS = 256;
  /** Padding; never produced by {@link #encode}. */
  public static final int PAD = 257;
  public static final int VOCAB_SIZE = 258;
  /** How {@link #EOS} decodes (the name Qwen and GPT-2 give their end-of-text token). */
  static final String EOS_TEXT = "<|endoftext|>";
  /** The padding token's name where one is needed (an exported {@code tokenizer.json}). */
  static final String PAD_TEXT = "<|pad|>";

  @Override
  public int[] encode(String text) {
    return byteIds(text);
  }

  /** The ids of {@code text}'s UTF-8 bytes (0..255); the starting symbols of {@link BpeTokenizer} and its trainer. */
  static int[] byteIds(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = bytes[i] & 0xFF;
    }
    return ids;
  }

  @Override
  public int count(String text) {
    // UTF-8 length without allocating the byte array.
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3; // BMP char, or a lone surrogate which String.getBytes encodes as '?'... see below
        if (Character.isSurrogate(c)) {
          n -= 2; // a lone surrogate becomes a single '?' byte
        }
      }
    }
    return n;
  }

  @Override
  public String decode(int[] ids) {
    return decodeBytes(ids);
  }

  /**
   * Decodes byte ids (0..255) as UTF-8, {@link #EOS} as {@link #EOS_TEXT}; {@link #PAD} and out-of-range ids render
   * as nothing. Shared with {@link BpeTokenizer}, whose merged ids expand to byte ids first.
   */
  static String decodeBytes(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length);
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      if (id >= 0 && id < 256) {
        out.write(id);
      } else {
        flush(out, sb);
        if (id == EOS) {
          sb.append(EOS_TEXT);
        }
        // PAD and out-of-range ids render as nothing
      }
    }
    flush(out, sb);
    return sb.toString();
  }

  private static void flush(ByteArrayOutputStream out, StringBuilder sb) {
    if (out.size() > 0) {
      sb.append(out.toString(StandardCharsets.UTF_8));
      out.reset();
    }
  }

  @Override
  public int vocabSize() {
    return VOCAB_SIZE;
  }

  @Override
  public int[] stopTokenIds() {
    return new int[] {EOS};
  }

  @Override
  public int padTokenId() {
    return PAD;
  }
}
