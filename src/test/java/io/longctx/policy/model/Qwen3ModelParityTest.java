package io.longctx.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.Generator;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.generate.GroupScheduler;
import io.longctx.policy.generate.Scorer;
import io.longctx.policy.generate.TokenScores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Qwen3ForCausalLM parity with transformers on the fixtures of {@code scripts/make_qwen3_goldens.py} (tied and
 * untied heads, plain RoPE and YaRN, float32 and bfloat16 checkpoints, attention_bias; head_dim != hidden / heads
 * in all): logits (unpadded and left-padded), greedy tokens through the KV cache, the batched generator and the
 * group scheduler's row cache, response log-probs, and the loss, gradient norm and gradients of one DAPO step,
 * with the fused attention kernel and with the chunked attention.
 */
class Qwen3ModelParityTest {
  static final List<String> FIXTURES = Golden.QWEN3_FIXTURES;
  private static final int PROMPT = 16;
  private static final Map<String, Qwen2Model> MODELS = new HashMap<>();

  static Stream<Arguments> fixturesAndAttention() {
    return FIXTURES.stream().flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
  }

  /** One shared model per fixture for the read-only tests; reset to the default attention before each use. */
  private static Qwen2Model shared(String fixture) {
    Qwen2Model m = MODELS.computeIfAbsent(fixture, f -> Qwen2Model.load(Golden.qwen3(f).modelDir(), Device.cpu()));
    return m.setFusedAttention(true).setAttentionChunk(Qwen2Model.DEFAULT_ATTENTION_CHUNK);
  }

  @AfterAll
  static void closeModels() {
    MODELS.values().forEach(Qwen2Model::close);
    MODELS.clear();
  }

  @ParameterizedTest
  @FieldSource("FIXTURES")
  void configAndParametersAreQwen3(String fixture) {
    Qwen2Model model = shared(fixture);
    Qwen2Config c = model.config();
    assertThat(c.family()).isEqualTo(ModelFamily.QWEN3);
    assertThat(c.headDim()).isNotEqualTo(c.hiddenSize() / c.numAttentionHeads());
    boolean bias = fixture.contains("bias");
    assertThat(c.attentionBias()).isEqualTo(bias);
    String l0 = ParameterNames.layer(0);
    assertThat(model.parameters().get(l0 + "self_attn.q_norm.weight").getShape().getShape())
        .containsExactly(c.headDim());
    assertThat(model.parameters().get(l0 + "self_attn.k_norm.weight").getShape().getShape())
        .containsExactly(c.headDim());
    assertThat(model.parameters().containsKey(l0 + "self_attn.q_proj.bias")).isEqualTo(bias);
    assertThat(model.parameters().containsKey(l0 + "self_attn.o_proj.bias")).isEqualTo(bias);
    assertThat(model.parameters().containsKey(ParameterNames.LM_HEAD)).isEqualTo(!c.tieWordEmbeddings());
    assertThat(c.ropeScaling() != null).isEqualTo(fixture.contains("yarn"));
  }

  @ParameterizedTest
  @MethodSource("fixturesAndAttention")
  void forwardLogitsMatchReference(String fixture, boolean fused) {
    Golden.Fixture g = Golden.qwen3(fixture);
    Qwen2Model model = shared(fixture).setFusedAttention(fused);
    try (NDManager m = model.manager().newSubManager()) {
      NDArray ids = g.tensor("forward_input_ids", m);
      NDArray expected = g.tensor("forward_logits", m);
      for (int chunk : fused ? new int[] {Qwen2Model.DEFAULT_ATTENTION_CHUNK} : new int[] {512, 5}) {
        long calls = FusedAttention.CALLS.get();
        NDArray logits = model.setAttentionChunk(chunk).forward(ids);
        assertThat(FusedAttention.CALLS.get() - calls).as("fused kernel calls")
            .isEqualTo(fused ? model.config().numHiddenLayers() : 0);
        assertThat(logits.getShape()).isEqualTo(expected.getShape());
        assertThat(Golden.maxAbsDiff(logits, expected)).as("chunk %d", chunk).isLessThanOrEqualTo(1e-4f);
      }
    }
  }

  @ParameterizedTest
  @FieldSource("FIXTURES")
  void leftPaddedLogitsMatchReference(String fixture) {
    Golden.Fixture g = Golden.qwen3(fixture);
    Qwen2Model model = shared(fixture);
    try (NDManager m = model.manager().newSubManager()) {
      NDArray ids = g.tensor("padded_input_ids", m);
      NDArray mask = g.tensor("padded_attention_mask", m);
      NDArray logits = model.forward(ids, Scorer.positionsFromMask(mask), mask, null);
      NDArray expected = g.tensor("padded_logits", m);
      int[] pads = {0, 5, 17};
      for (int b = 0; b < pads.length; b++) {
        NDIndex real = new NDIndex("{}, {}:, :", b, pads[b]);
        assertThat(Golden.maxAbsDiff(logits.get(real), expected.get(real))).as("row %d", b).isLessThanOrEqualTo(1e-4f);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("fixturesAndAttention")
  void greedyTokensMatchReferenceAloneBatchedAndScheduled(String fixture, boolean fused) {
    Golden.Fixture g = Golden.qwen3(fixture);
    Qwen2Model model = shared(fixture).setFusedAttention(fused);
    GenerationConfig greedy = GenerationConfig.builder().setMaxNewTokens(16).optGreedy(true).build();
    try (NDManager m = model.manager().newSubManager()) {
      List<int[]> prompts = new ArrayList<>();
      List<int[]> expected = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        prompts.add(g.tensor("greedy_prompt_" + i, m).toIntArray());
        expected.add(g.tensor("greedy_output_" + i, m).toIntArray());
      }
      Generator generator = new Generator(model);
      List<Generation> batched = generator.generate(prompts, greedy); // prompts of 20 and 11 tokens: left padding
      List<GroupRequest> groups = List.of(new GroupRequest(prompts.get(0), 2, 1), new GroupRequest(prompts.get(1), 3, 2));
      List<List<Generation>> scheduled = new GroupScheduler(model, 4).generate(groups, greedy);
      for (int i = 0; i < 2; i++) {
        Generation alone = generator.generate(List.of(prompts.get(i)), greedy).get(0);
        assertThat(alone.outputIds()).as("prompt %d alone", i).containsExactly(expected.get(i));
        assertThat(batched.get(i).outputIds()).as("prompt %d batched", i).containsExactly(expected.get(i));
        for (Generation s : scheduled.get(i)) {
          assertThat(s.outputIds()).as("prompt %d scheduled", i).containsExactly(expected.get(i));
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("fixturesAndAttention")
  void logProbsLossAndGradientsOfOneDapoStepMatchReference(String fixture, boolean fused) {
    Golden.Fixture g = Golden.qwen3(fixture);
    try (Qwen2Model model = Qwen2Model.load(g.modelDir(), Device.cpu()).setFusedAttention(fused);
        NDManager m = model.manager().newSubManager()) {
      NDArray seq = g.tensor("grpo_sequences", m);
      model.parameters().values().forEach(p -> p.setRequiresGradient(true));
      float lossValue;
      long calls = FusedAttention.CALLS.get();
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        TokenScores s = new Scorer(model).score(seq, null, PROMPT, false);
        assertThat(Golden.maxAbsDiff(s.logProbs(), g.tensor("grpo_logprobs", m))).isLessThanOrEqualTo(1e-4f);
        NDArray loss = g.dapoLoss(s.logProbs(), m);
        lossValue = loss.getFloat();
        gc.backward(loss);
      }
      assertThat(FusedAttention.CALLS.get() > calls).as("fused kernel ran").isEqualTo(fused);
      float refLoss = g.tensor("grpo_loss", m).getFloat(0);
      assertThat(Math.abs(lossValue - refLoss) / Math.abs(refLoss)).isLessThanOrEqualTo(1e-4f);
      float refNorm = g.tensor("grpo_grad_norm", m).getFloat(0);
      assertThat(Math.abs(Golden.gradientNorm(model) - refNorm) / refNorm).as("gradient norm").isLessThanOrEqualTo(1e-4);
      int compared = 0;
      for (String key : g.tensorNames()) {
        if (key.startsWith("grad.")) {
          String name = key.substring("grad.".length());
          NDArray expected = g.tensor(key, m);
          float scale = expected.abs().max().getFloat();
          assertThat(Golden.maxAbsDiff(model.parameters().get(name).getGradient(), expected))
              .as("gradient of %s", name).isLessThanOrEqualTo(1e-4f * scale + 1e-7f);
          compared++;
        }
      }
      assertThat(compared).as("gradients compared").isGreaterThanOrEqualTo(6);
    }
  }

  @ParameterizedTest
  @FieldSource("FIXTURES")
  void saveWritesAQwen3CheckpointThatLoadsBitExact(String fixture, @TempDir Path dir) throws Exception {
    Qwen2Model a = shared(fixture);
    a.save(dir, DataType.FLOAT32);
    JsonNode cfg = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
    assertThat(cfg.get("architectures").get(0).asText()).isEqualTo("Qwen3ForCausalLM");
    assertThat(cfg.get("model_type").asText()).isEqualTo("qwen3");
    assertThat(cfg.get("head_dim").asInt()).isEqualTo(a.config().headDim());
    assertThat(cfg.get("attention_bias").asBoolean()).isEqualTo(a.config().attentionBias());
    try (Qwen2Model b = Qwen2Model.load(dir, Device.cpu())) {
      assertThat(b.config()).isEqualTo(a.config());
      assertThat(b.parameters().keySet()).containsExactlyElementsOf(a.parameters().keySet());
      for (String name : a.parameters().keySet()) {
        assertThat(b.parameters().get(name).toByteBuffer()).as(name).isEqualTo(a.parameters().get(name).toByteBuffer());
      }
    }
  }
}
