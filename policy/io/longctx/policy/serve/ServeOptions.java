package io.longctx.policy.serve;

import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Path;

/**
 * How {@link PolicyServer} serves a checkpoint.
 *
 * @param model a Hugging Face model directory (or a PEFT adapter directory over one)
 * @param servedModelName the name clients put in {@code model}; the adapters loaded at run time add theirs
 * @param host the address to bind ({@code 127.0.0.1} keeps it on loopback)
 * @param port the port; 0 picks a free one ({@link PolicyServer#port()} tells which)
 * @param device {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}
 * @param tokenizer the tokenizer of the model (text prompts, decoded text, stop strings)
 * @param chatFormat how {@code /v1/chat/completions} renders messages
 * @param queueSize most requests admitted at once (waiting or running); more get 503 with {@code Retry-After}
 * @param rowBudget most sequences decoded at once; also the largest {@code n} a request may ask for
 * @param maxPromptTokens longest prompt accepted (in tokens)
 * @param maxNewTokens largest {@code max_tokens} accepted
 * @param maxBodyBytes largest request body accepted (413 beyond)
 * @param batchWaitMs how long the engine waits after the first queued request for others to join its batch
 * @param apiKey when non-empty, every {@code /v1/*} and weight endpoint wants {@code Authorization: Bearer KEY}
 */
public record ServeOptions(
    Path model,
    String servedModelName,
    String host,
    int port,
    String device,
    TokenizerSpec tokenizer,
    ChatFormat chatFormat,
    int queueSize,
    int rowBudget,
    int maxPromptTokens,
    int maxNewTokens,
    int maxBodyBytes,
    long batchWaitMs,
    String apiKey) {

  public ServeOptions {
    if (queueSize <= 0 || rowBudget <= 0 || maxPromptTokens <= 0 || maxNewTokens <= 0 || maxBodyBytes <= 0
        || batchWaitMs < 0 || port < 0 || port > 65535) {
      throw new IllegalArgumentException("serve: queue size, row budget, prompt/new-token and body limits must be"
          + " > 0, batch wait >= 0 and the port in [0, 65535]; got " + queueSize + ", " + rowBudget + ", "
          + maxPromptTokens + ", " + maxNewTokens + ", " + maxBodyBytes + ", " + batchWaitMs + ", " + port);
    }
  }

  /** Loopback on a free port, CPU, queue 64, row budget 64, 32K-token prompts, 4K new tokens, 8 MiB bodies. */
  public static ServeOptions defaults(Path model, TokenizerSpec tokenizer, ChatFormat chatFormat) {
    return new ServeOptions(model, model.toString(), "127.0.0.1", 0, "cpu", tokenizer, chatFormat, 64, 64,
        32_768, 4096, 8 << 20, 2, "");
  }

  public ServeOptions withPort(int newPort) {
    return new ServeOptions(model, servedModelName, host, newPort, device, tokenizer, chatFormat, queueSize,
        rowBudget, maxPromptTokens, maxNewTokens, maxBodyBytes, batchWaitMs, apiKey);
  }

  public ServeOptions withLimits(int newQueueSize, int newRowBudget, int newMaxPromptTokens, int newMaxNewTokens,
      int newMaxBodyBytes) {
    return new ServeOptions(model, servedModelName, host, port, device, tokenizer, chatFormat, newQueueSize,
        newRowBudget, newMaxPromptTokens, newMaxNewTokens, newMaxBodyBytes, batchWaitMs, apiKey);
  }

  public ServeOptions withApiKey(String key) {
    return new ServeOptions(model, servedModelName, host, port, device, tokenizer, chatFormat, queueSize,
        rowBudget, maxPromptTokens, maxNewTokens, maxBodyBytes, batchWaitMs, key == null ? "" : key);
  }

  public ServeOptions withServedModelName(String name) {
    return new ServeOptions(model, name, host, port, device, tokenizer, chatFormat, queueSize, rowBudget,
        maxPromptTokens, maxNewTokens, maxBodyBytes, batchWaitMs, apiKey);
  }

  public ServeOptions withHost(String newHost) {
    return new ServeOptions(model, servedModelName, newHost, port, device, tokenizer, chatFormat, queueSize,
        rowBudget, maxPromptTokens, maxNewTokens, maxBodyBytes, batchWaitMs, apiKey);
  }

  public ServeOptions withDevice(String newDevice, long newBatchWaitMs) {
    return new ServeOptions(model, servedModelName, host, port, newDevice, tokenizer, chatFormat, queueSize,
        rowBudget, maxPromptTokens, maxNewTokens, maxBodyBytes, newBatchWaitMs, apiKey);
  }
}
