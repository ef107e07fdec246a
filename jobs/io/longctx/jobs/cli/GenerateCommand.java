package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.Generator;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code longctx generate}: continue one prompt with a model directory (or the embedded model) and print one
 * JSON line: {@code output_ids} (prompt ids then generated ids, as Hugging Face {@code generate} returns),
 * {@code generated_ids}, {@code logprobs} (raw-policy log-prob of each generated token), {@code finish_reason},
 * and {@code text} (the generated text) when a tokenizer is available.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate a continuation of one prompt and print it as one JSON line.")
public final class GenerateCommand extends ConfiguredCommand {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Hugging Face model directory, a LoRA adapter directory over one (PEFT layout), or 'embedded'"
          + " (default: the config's policy.model).")
  String model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--prompt", paramLabel = "TEXT", required = true, description = "Prompt text (needs a tokenizer).")
    String prompt;

    @Option(names = "--input-ids", paramLabel = "IDS", split = ",", required = true,
        description = "Prompt token ids, comma-separated.")
    List<Integer> inputIds;
  }

  @Option(names = "--max-new-tokens", paramLabel = "N", required = true, description = "Tokens to generate at most.")
  int maxNewTokens;

  @Option(names = "--greedy", description = "Argmax decoding (ignores temperature, top-p, top-k).")
  boolean greedy;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus mass in (0, 1] (default ${DEFAULT-VALUE}: off).")
  double topP;

  @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens (default ${DEFAULT-VALUE}: off).")
  int topK;

  @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable; needs a tokenizer).")
  List<String> stops = new ArrayList<>();

  @Option(names = "--tokenizer", paramLabel = "SPEC",
      description = "'synth-bpe', 'byte', 'bpe:MERGES' or a tokenizer.json path (default: tokenizer.json in the model "
          + "directory; the config's policy.tokenizer for the embedded model; else none).")
  String tokenizer;

  @Option(names = "--device", description = "cpu, gpu, gpu:N or auto (default: the config's policy.device).")
  String device;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    PolicyConfig policy = config.policy();
    String modelName = model != null ? model : policy.model();
    boolean embedded = modelName.equals("embedded");
    Devices.setCpuThreads(policy.cpuThreads());
    // an adapter directory (PEFT layout) uses its base model's tokenizer
    try (Tokenizer tok = openTokenizer(embedded ? null : AdapterCheckpoints.base(Path.of(modelName)),
        embedded ? policy.tokenizer() : null)) {
      int[] prompt = promptIds(tok);
      Qwen2Model m = embedded
          ? Qwen2Model.random(Qwen2Config.embedded(policy.embedded(), tok.vocabSize()), 0,
              Devices.resolve(device != null ? device : policy.device()))
          : AdapterCheckpoints.load(Path.of(modelName), Devices.resolve(device != null ? device : policy.device()));
      try (m) {
        m.setAttentionChunk(policy.attentionChunk());
        Generation g = new Generator(m).generate(List.of(prompt), generationConfig(m, tok)).get(0);
        System.out.println(toJson(g, tok));
      }
    }
    return 0;
  }

  private Tokenizer openTokenizer(Path modelDir, String fallback) {
    String specValue = tokenizer != null ? tokenizer
        : modelDir != null && Files.isRegularFile(modelDir.resolve("tokenizer.json")) ? modelDir.toString()
        : fallback;
    return specValue == null ? null : new TokenizerSpec(specValue).open();
  }

  private int[] promptIds(Tokenizer tok) {
    if (input.inputIds != null) {
      return input.inputIds.stream().mapToInt(Integer::intValue).toArray();
    }
    if (tok == null) {
      throw new ParameterException(spec.commandLine(),
          "--prompt needs a tokenizer: the model directory has no tokenizer.json; pass --tokenizer or --input-ids");
    }
    return tok.encode(input.prompt);
  }

  private GenerationConfig generationConfig(Qwen2Model m, Tokenizer tok) {
    Set<Integer> stopIds = new LinkedHashSet<>(m.config().eosTokenIds());
    if (tok != null) {
      for (int id : tok.stopTokenIds()) {
        stopIds.add(id);
      }
    }
    GenerationConfig.Builder b = GenerationConfig.builder()
        .setMaxNewTokens(maxNewTokens)
        .optGreedy(greedy)
        .optTemperature(temperature)
        .optTopP(topP)
        .optTopK(topK)
        .optSeed(seed)
        .optStopTokenIds(stopIds.stream().mapToInt(Integer::intValue).toArray());
    if (tok != null) {
      b.optPadTokenId(tok.padTokenId() < m.config().vocabSize() ? tok.padTokenId() : 0);
    }
    if (!stops.isEmpty()) {
      if (tok == null) {
        throw new ParameterException(spec.commandLine(), "--stop needs a tokenizer (--tokenizer or tokenizer.json)");
      }
      b.optStopStrings(stops, tok::decode);
    }
    return b.build();
  }

  private static String toJson(Generation g, Tokenizer tok) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    ArrayNode out = o.putArray("output_ids");
    for (int id : g.outputIds()) {
      out.add(id);
    }
    ArrayNode gen = o.putArray("generated_ids");
    for (int id : g.tokenIds()) {
      gen.add(id);
    }
    if (tok != null) {
      o.put("text", tok.decode(g.tokenIds()));
    }
    ArrayNode lp = o.putArray("logprobs");
    for (float f : g.logProbs()) {
      lp.add(f);
    }
    o.put("finish_reason", g.finishReason().label());
    return o.toString();
  }
}
