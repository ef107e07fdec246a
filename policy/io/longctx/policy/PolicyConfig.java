package io.longctx.policy;

import io.longctx.common.Check;
import io.longctx.policy.lora.LoraConfig;
import java.util.List;

/**
 * The {@code policy} config section: which model and tokenizer the pipeline uses and where it runs.
 *
 * @param model a Hugging Face model directory, or {@code embedded} for the built-in small model
 * @param tokenizer {@code synth-bpe} (the embedded model's shipped BPE), {@code byte} (one token per byte),
 *     {@code bpe:MERGES} (a merges file from {@code longctx tokenizer}) or a path to a {@code tokenizer.json}
 * @param chatTemplate {@code auto} (the Hugging Face model's own chat template; {@code plain} for the embedded model),
 *     {@code plain} (embedded model), {@code chatml} (Qwen) or {@code r1} (R1-Distill)
 * @param device {@code auto} (Spark-assigned GPU, else CPU), {@code cpu} or {@code gpu}
 * @param embedded the shape of the built-in small model
 * @param attentionChunk query positions per attention chunk: bounds prefill memory to
 *     {@code heads x attention-chunk x length} scores per layer
 * @param cpuThreads PyTorch intra-op CPU threads; 0 keeps the engine default (one per core). 1 is faster on a
 *     machine shared with other busy processes
 * @param lora train LoRA adapters instead of every weight (off by default)
 */
public record PolicyConfig(
    String model,
    String tokenizer,
    String chatTemplate,
    String device,
    EmbeddedModel embedded,
    int attentionChunk,
    int cpuThreads,
    LoraConfig lora) {

  public static PolicyConfig defaults() {
    return new PolicyConfig("embedded", "byte", "auto", "auto", EmbeddedModel.defaults(), 512, 0,
        LoraConfig.defaults());
  }

  public void validate() {
    Check.notBlank("policy.model", model);
    Check.notBlank("policy.tokenizer", tokenizer);
    Check.oneOf("policy.chat-template", chatTemplate, List.of("auto", "plain", "chatml", "r1"));
    Check.oneOf("policy.device", device, List.of("auto", "cpu", "gpu"));
    embedded.validate();
    Check.positive("policy.attention-chunk", attentionChunk);
    Check.nonNegative("policy.cpu-threads", cpuThreads);
    lora.validate();
  }

  /** Shape of the built-in small Qwen2-architecture model trained from scratch by the embedded default. */
  public record EmbeddedModel(
      int hiddenSize, int layers, int attentionHeads, int kvHeads, int intermediateSize, double ropeTheta) {
    public static EmbeddedModel defaults() {
      return new EmbeddedModel(128, 4, 4, 2, 352, 10000.0);
    }

    public void validate() {
      Check.positive("policy.embedded.hidden-size", hiddenSize);
      Check.positive("policy.embedded.layers", layers);
      Check.positive("policy.embedded.attention-heads", attentionHeads);
      Check.positive("policy.embedded.kv-heads", kvHeads);
      Check.positive("policy.embedded.intermediate-size", intermediateSize);
      Check.positive("policy.embedded.rope-theta", ropeTheta);
      if (hiddenSize % attentionHeads != 0) {
        throw new io.longctx.common.ConfigException(
            "policy.embedded.attention-heads", "must divide hidden-size " + hiddenSize + ", got " + attentionHeads);
      }
      if (attentionHeads % kvHeads != 0) {
        throw new io.longctx.common.ConfigException(
            "policy.embedded.kv-heads", "must divide attention-heads " + attentionHeads + ", got " + kvHeads);
      }
    }
  }
}
