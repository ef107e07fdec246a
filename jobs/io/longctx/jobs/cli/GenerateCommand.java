package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.PolicyConfig;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.chat.CheckpointChatTemplate;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.Generator;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.ChatTemplate;
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
 * and {@code text} (the generated text) when a tokenizer is available. {@code --chat} renders the message with the
 * model's chat template first (the checkpoint's own when the directory has one); {@code --print-prompt} prints
 * {@code {"prompt": ..., "prompt_ids": [...]}} instead of generating.
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

    @Option(names = "--chat", paramLabel = "TEXT", required = true,
        description = "A user message, rendered with the model's chat template (needs a tokenizer).")
    String chat;
  }

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message before the --chat message.")
  String system;

  @Option(names = "--chat-template", paramLabel = "NAME",
      description = "For --chat: auto, plain, chatml, r1 or one of the checkpoint's named templates (default: the"
          + " model directory's own template when it has one, else the config's policy.chat-template).")
  String chatTemplate;

  @Option(names = "--enable-thinking", paramLabel = "BOOL", arity = "1",
      description = "For --chat: the enable_thinking variable of the checkpoint's template"
          + " (Qwen3: false = no thinking).")
  Boolean enableThinking;

  @Option(names = "--print-prompt",
      description = "Print {\"prompt\": ..., \"prompt_ids\": [...]} (the rendered prompt and its ids) and stop.")
  boolean printPrompt;

  @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate at most (required unless"
      + " --print-prompt).")
  Integer maxNewTokens;

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
    if (!printPrompt && maxNewTokens == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--max-new-tokens=N'");
    }
    if (input.chat == null && (system != null || chatTemplate != null || enableThinking != null)) {
      throw new ParameterException(spec.commandLine(), "--system, --chat-template and --enable-thinking need --chat");
    }
    // an adapter directory (PEFT layout) uses its base model's tokenizer and chat template
    String tokenizerDir = embedded ? modelName : AdapterCheckpoints.base(Path.of(modelName)).toString();
    try (Tokenizer tok = openTokenizer(embedded ? null : Path.of(tokenizerDir), embedded ? policy.tokenizer() : null)) {
      String text = input.chat != null ? chatFormat(tokenizerDir, policy).render(messages()) : input.prompt;
      int[] prompt = promptIds(tok, text);
      if (printPrompt) {
        System.out.println(promptJson(text, prompt));
        return 0;
      }
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

  /**
   * The format for --chat: --chat-template, else the model directory's own template when it has one, else the
   * config's policy.chat-template; --enable-thinking goes to the checkpoint's template.
   */
  private ChatFormat chatFormat(String modelName, PolicyConfig policy) {
    boolean own = !modelName.equals("embedded") && CheckpointChatTemplate.existsIn(Path.of(modelName));
    String setting = chatTemplate != null ? chatTemplate : own ? ChatTemplates.AUTO : policy.chatTemplate();
    ChatFormat format = ChatTemplates.resolve(setting, modelName);
    if (enableThinking == null) {
      return format;
    }
    if (!(format instanceof CheckpointChatTemplate t)) {
      throw new ParameterException(spec.commandLine(),
          "--enable-thinking needs the checkpoint's own chat template, not '" + format.label() + "'");
    }
    return t.withVariable("enable_thinking", enableThinking);
  }

  private List<ChatTemplate.Message> messages() {
    List<ChatTemplate.Message> m = new ArrayList<>();
    if (system != null) {
      m.add(new ChatTemplate.Message("system", system));
    }
    m.add(new ChatTemplate.Message("user", input.chat));
    return m;
  }

  private int[] promptIds(Tokenizer tok, String text) {
    if (input.inputIds != null) {
      if (printPrompt) {
        throw new ParameterException(spec.commandLine(), "--print-prompt needs --chat or --prompt");
      }
      return input.inputIds.stream().mapToInt(Integer::intValue).toArray();
    }
    if (tok == null) {
      throw new ParameterException(spec.commandLine(), (input.chat != null ? "--chat" : "--prompt")
          + " needs a tokenizer: the model directory has no tokenizer.json; pass --tokenizer or --input-ids");
    }
    return tok.encode(text);
  }

  private static String promptJson(String text, int[] ids) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("prompt", text);
    ArrayNode a = o.putArray("prompt_ids");
    for (int id : ids) {
      a.add(id);
    }
    return o.toString();
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
