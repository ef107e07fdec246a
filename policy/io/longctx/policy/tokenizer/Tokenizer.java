package io.longctx.policy.tokenizer;

/**
 * Text to token ids and back, for one model's vocabulary. Implementations are not required to be thread-safe
 * or serializable; ship a {@link TokenizerSpec} to executors and {@link TokenizerSpec#open() open} one there.
 */
public interface Tokenizer extends AutoCloseable {

  /** Encodes text as-is: no special tokens are added (chat templates spell out their own markers). */
  int[] encode(String text);

  /** Decodes ids; special tokens are rendered as their text. */
  String decode(int[] ids);

  /** Number of token ids the model's embedding table must hold. */
  int vocabSize();

  /** Token ids that end generation (end of turn / end of text). */
  int[] stopTokenIds();

  /** Id used for padding batches; never produced by {@link #encode}. */
  int padTokenId();

  /** Number of tokens in {@code text}; may be faster than {@code encode(text).length}. */
  default int count(String text) {
    return encode(text).length;
  }

  @Override
  default void close() {}
}
