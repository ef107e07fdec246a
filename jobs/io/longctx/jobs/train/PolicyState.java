package io.longctx.jobs.train;

import ai.djl.Device;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.lora.AdapterCheckpoints;
import io.longctx.policy.lora.LoraAdapter;
import io.longctx.policy.lora.LoraConfig;
import io.longctx.policy.model.Devices;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerFiles;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.policy.train.ModelResponseScorer;
import io.longctx.policy.train.OptimConfig;
import io.longctx.policy.train.PolicyTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.longctx.policy.train.ResponseScorer;

/**
 * The driver-side policy of a training job: the model being optimised and its trainer (optimizer state), loaded
 * from a checkpoint directory and saved back as one (Hugging Face files plus {@code optimizer.safetensors}). With
 * LoRA the base weights stay frozen and only a {@link LoraAdapter} trains: the optimizer holds state for the adapter
 * alone, and a checkpoint is a PEFT adapter directory over the base ({@code adapter_config.json},
 * {@code adapter_model.safetensors}, {@code optimizer.safetensors}).
 */
public final class PolicyState implements AutoCloseable {
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";

  private final Qwen2Model model;
  private final LoraAdapter adapter;
  private final Path base;
  private final PolicyTrainer trainer;
  private final ModelResponseScorer scorer;

  private PolicyState(Qwen2Model model, LoraAdapter adapter, Path base, PolicyTrainer trainer,
      ModelResponseScorer scorer) {
    this.model = model;
    this.adapter = adapter;
    this.base = base;
    this.trainer = trainer;
    this.scorer = scorer;
  }

  /**
   * Loads the model in {@code dir} and, when the directory holds one, the optimizer state saved with it; every
   * weight trains.
   *
   * @param optim optimizer settings (the SFT job passes its own learning rate and batch sizes)
   */
  public static PolicyState load(Path dir, OptimConfig optim, String device) {
    return load(dir, optim, device, 1.0, true, null, 0);
  }

  /**
   * Loads the checkpoint in {@code dir} (a full model or a LoRA adapter over one) for training.
   *
   * @param scoringTemperature the temperature of the distribution the trainer's log-probs refer to: the rollout
   *     temperature for RL (the policy that sampled, as verl), 1 for SFT
   * @param resumeOptimizer whether to restore the optimizer state saved in {@code dir}; false starts a fresh AdamW
   *     (and schedule) on these weights, as an RL run does from its SFT or {@code --from} checkpoint. A state saved
   *     for the other kind of training (adapter vs every weight) is never restored
   * @param lora the adapter to train, or {@code null} to train every weight. From a full model a fresh adapter
   *     starts (seeded by {@code seed}); from an adapter checkpoint that adapter continues (its rank, alpha and
   *     targets must match {@code lora}). Without {@code lora} an adapter checkpoint is merged into its base first
   * @param seed the fresh adapter's initialisation and the per-update dropout seed
   */
  public static PolicyState load(Path dir, OptimConfig optim, String device, double scoringTemperature,
      boolean resumeOptimizer, LoraConfig lora, long seed) {
    Path base = AdapterCheckpoints.base(dir);
    Qwen2Model model = lora == null
        ? AdapterCheckpoints.loadMerged(dir, Devices.resolve(device))
        : Qwen2Model.load(base, Devices.resolve(device));
    LoraAdapter adapter = null;
    if (lora != null) {
      try {
        adapter = (AdapterCheckpoints.isAdapter(dir)
            ? AdapterCheckpoints.loadForTraining(dir, model, lora)
            : LoraAdapter.create(lora, model, seed)).attachTo(model);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    ModelResponseScorer scorer = new ModelResponseScorer(model, scoringTemperature);
    PolicyTrainer trainer = PolicyTrainer.builder()
        .setParameters(adapter != null ? adapter.parameters() : model.parameters())
        .setScorer(scorer)
        .optConfig(optim)
        .optVocabSize(model.config().vocabSize())
        .optSeed(seed)
        .build();
    Path state = dir.resolve(OPTIMIZER_FILE);
    // the saved state belongs to what was trained then: switching between adapter and every weight starts afresh
    boolean sameKind = AdapterCheckpoints.isAdapter(dir) == (adapter != null);
    if (resumeOptimizer && sameKind && Files.isRegularFile(state)) {
      trainer.loadState(state);
    }
    return new PolicyState(model, adapter, adapter != null ? base : null, trainer, scorer);
  }

  /**
   * The starting checkpoint of a run that has none: the configured Hugging Face model directory, or the embedded
   * small model initialised from {@code seed}, written to {@code dir}.
   */
  public static Path initial(LongctxConfig config, long seed, Path dir) {
    String model = config.policy().model();
    if (!"embedded".equals(model)) {
      return Path.of(model);
    }
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      return dir;
    }
    int vocab;
    try (Tokenizer t = new TokenizerSpec(config.policy().tokenizer()).open()) {
      vocab = t.vocabSize();
    }
    Qwen2Config shape = Qwen2Config.embedded(config.policy().embedded(), vocab);
    try (Qwen2Model m = Qwen2Model.random(shape, seed, Device.cpu())) {
      m.save(dir);
    }
    TokenizerFiles.writeInto(new TokenizerSpec(config.policy().tokenizer()), dir);
    return dir;
  }

  /** The configured {@code policy.lora} when it applies to job {@code stage} ({@link LoraConfig#SFT}, ...), else null. */
  public static LoraConfig adapterFor(LongctxConfig config, String stage) {
    LoraConfig lora = config.policy().lora();
    return lora.appliesTo(stage) ? lora : null;
  }

  public Qwen2Model model() {
    return model;
  }

  /** The adapter being trained, or {@code null} when every weight trains. */
  public LoraAdapter adapter() {
    return adapter;
  }

  public PolicyTrainer trainer() {
    return trainer;
  }

  /**
   * Per-token log-probs of each response under the current weights (at the scoring temperature the state was
   * loaded with), without gradients, in batches of {@code batchSize} sequences.
   */
  public List<float[]> logProbs(List<int[]> prompts, List<int[]> responses, int batchSize) {
    return scores(prompts, responses, batchSize, false).logProbs();
  }

  /** Per-token log-probs and, when asked, per-token entropies (else null) of each response. */
  public record TokenStats(List<float[]> logProbs, List<float[]> entropies) {}

  /** As {@link #logProbs}, also returning each response token's policy entropy when {@code entropy} is true. */
  public TokenStats scores(List<int[]> prompts, List<int[]> responses, int batchSize, boolean entropy) {
    List<float[]> out = new ArrayList<>(prompts.size());
    List<float[]> ent = entropy ? new ArrayList<>(prompts.size()) : null;
    for (int from = 0; from < prompts.size(); from += batchSize) {
      int to = Math.min(prompts.size(), from + batchSize);
      try (NDManager m = model.manager().newSubManager()) {
        ResponseScorer.Scored s = scorer.score(m, prompts.subList(from, to), responses.subList(from, to), entropy);
        rows(s.logProbs(), responses.subList(from, to), out);
        if (entropy) {
          rows(s.entropy(), responses.subList(from, to), ent);
        }
      }
    }
    return new TokenStats(out, ent);
  }

  /** Splits a right-padded [B, T] array into one row per response, cut to the response's length. */
  private static void rows(NDArray padded, List<int[]> responses, List<float[]> out) {
    float[] flat = padded.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    int width = (int) padded.getShape().get(1);
    for (int b = 0; b < responses.size(); b++) {
      int len = responses.get(b).length;
      float[] row = new float[len];
      System.arraycopy(flat, b * width, row, 0, len);
      out.add(row);
    }
  }

  /**
   * Sets PyTorch's intra-op threads for the driver's optimizer work: {@code configured} when > 0, else every
   * core (rollouts, which run as parallel tasks, set one thread per task before they start).
   */
  public void useAllCores(int configured) {
    Devices.setCpuThreads(configured > 0 ? configured : Runtime.getRuntime().availableProcessors());
  }

  /**
   * Writes the weights (Hugging Face layout), the optimizer state and {@code tokenizer}'s {@code tokenizer.json} to
   * {@code dir}, replacing what is there: the directory is a complete Hugging Face model directory. With LoRA it
   * writes the adapter (PEFT layout, naming the base directory, which carries the tokenizer) and its optimizer
   * state only.
   */
  public void save(Path dir, TokenizerSpec tokenizer) {
    try {
      Files.createDirectories(dir);
      if (adapter != null) {
        adapter.save(dir, base.toAbsolutePath().toString());
      } else {
        model.save(dir);
        TokenizerFiles.writeInto(tokenizer, dir);
      }
      trainer.saveState(dir.resolve(OPTIMIZER_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write checkpoint " + dir, e);
    }
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
