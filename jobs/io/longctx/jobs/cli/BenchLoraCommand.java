package io.longctx.jobs.cli;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.jobs.train.PolicyState;
import io.longctx.policy.lora.LoraConfig;
import io.longctx.policy.model.Devices;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.policy.train.OptimConfig;
import io.longctx.policy.train.Rollout;
import io.longctx.policy.train.SftExample;
import io.longctx.policy.train.internal.ProcessMemory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code longctx bench lora}: the driver's side of training with a given model, full fine-tuning or LoRA, on
 * {@code prompts x group} sequences of random tokens: one SFT update, then one RL step (old log-probs, one DAPO
 * update), then the step's checkpoint. Prints one JSON line: wall times, peak resident memory, trained numbers,
 * checkpoint and optimizer-state bytes. Run once per mode (each in its own JVM, so the peaks do not mix).
 */
@Command(
    name = "lora",
    mixinStandardHelpOptions = true,
    description = {
      "One SFT update and one RL optimizer step (old log-probs + one update + checkpoint) with --model,",
      "training every weight (--mode full) or a LoRA adapter (--mode lora), on random tokens. Prints one JSON line:",
      "seconds, peak resident memory, trained numbers, checkpoint and optimizer-state bytes."
    })
public final class BenchLoraCommand extends ConfiguredCommand {
  @Option(names = "--model", paramLabel = "DIR", required = true, description = "Hugging Face model directory.")
  Path model;

  @Option(names = "--mode", defaultValue = "lora", description = "full or lora (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--rank", defaultValue = "16", description = "LoRA rank (default ${DEFAULT-VALUE}); alpha = 2 rank.")
  int rank;

  @Option(names = "--prompts", defaultValue = "2", description = "Prompts (default ${DEFAULT-VALUE}).")
  int prompts;

  @Option(names = "--group", defaultValue = "4", description = "Sequences per prompt, G (default ${DEFAULT-VALUE}).")
  int group;

  @Option(names = "--prompt-tokens", defaultValue = "768", description = "Prompt length (default ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(names = "--response-tokens", defaultValue = "256",
      description = "Response length (default ${DEFAULT-VALUE}); prompt + response = the sequence.")
  int responseTokens;

  @Option(names = "--micro-batch", defaultValue = "1",
      description = "Sequences per forward/backward pass (default ${DEFAULT-VALUE}); one update over all of them.")
  int microBatch;

  @Option(names = "--threads", defaultValue = "0", description = "PyTorch CPU threads (0 = one per core).")
  int threads;

  @Option(names = "--out", paramLabel = "DIR", description = "Where the step's checkpoint goes (default: a temp dir).")
  Path out;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    if (!mode.equals("full") && !mode.equals("lora")) {
      throw new IllegalArgumentException("--mode must be full or lora, got '" + mode + "'");
    }
    Devices.setCpuThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    int n = prompts * group;
    OptimConfig d = OptimConfig.defaults();
    OptimConfig optim = new OptimConfig(d.lr(), d.beta1(), d.beta2(), d.eps(), d.weightDecay(), 0, "constant",
        d.totalSteps(), 0, d.maxGradNorm(), d.clipRatioLow(), d.clipRatioHigh(), d.lossAgg(), 0, 0, n,
        Math.min(microBatch, n), 1, d.aepo(), d.negativeClip());
    LoraConfig lora = mode.equals("lora")
        ? new LoraConfig(true, rank, 2.0 * rank, 0.0, LoraConfig.defaults().targetModules(), List.of(LoraConfig.TRAIN))
        : null;
    Path dir = out != null ? out : Files.createTempDirectory("longctx-bench-lora");
    long rss0 = ProcessMemory.resetPeak();
    long t0 = System.nanoTime();
    try (PolicyState policy = PolicyState.load(model, optim, "cpu", 1.0, false, lora, 0)) {
      double loadS = (System.nanoTime() - t0) / 1e9;
      long trained = (policy.adapter() != null ? policy.adapter().parameters() : policy.model().parameters())
          .values().stream().mapToLong(p -> p.getShape().size()).sum();
      int vocab = policy.model().config().vocabSize();
      Random rnd = new Random(1);
      List<int[]> promptIds = new ArrayList<>();
      List<int[]> responseIds = new ArrayList<>();
      for (int p = 0; p < prompts; p++) {
        int[] prompt = rnd.ints(promptTokens, 0, vocab).toArray();
        for (int g = 0; g < group; g++) {
          promptIds.add(prompt);
          responseIds.add(rnd.ints(responseTokens, 0, vocab).toArray());
        }
      }
      List<SftExample> examples = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        examples.add(new SftExample(promptIds.get(i), responseIds.get(i)));
      }
      long s0 = System.nanoTime();
      policy.trainer().sftStep(examples);
      double sftS = (System.nanoTime() - s0) / 1e9;
      long sftPeak = ProcessMemory.peakResident();

      long r0 = System.nanoTime();
      List<float[]> old = policy.logProbs(promptIds, responseIds, optim.microBatchSize());
      List<Rollout> rollouts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rollouts.add(Rollout.of(promptIds.get(i), responseIds.get(i), old.get(i), i % 2 == 0 ? 1f : -1f));
      }
      policy.trainer().step(rollouts);
      double rlS = (System.nanoTime() - r0) / 1e9;
      long c0 = System.nanoTime();
      policy.save(dir, new TokenizerSpec(TokenizerSpec.BYTE));
      double saveS = (System.nanoTime() - c0) / 1e9;
      long optimizerBytes = Files.size(dir.resolve(PolicyState.OPTIMIZER_FILE));
      long weightBytes;
      try (Stream<Path> files = Files.list(dir)) {
        weightBytes = files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
            .filter(f -> !f.getFileName().toString().equals(PolicyState.OPTIMIZER_FILE))
            .mapToLong(BenchLoraCommand::size).sum();
      }
      System.out.println(JsonLine.of("mode", mode, "rank", lora == null ? null : rank, "sequences", n,
          "tokens_per_sequence", promptTokens + responseTokens, "threads", Devices.cpuThreads(),
          "trained_numbers", trained, "load_s", loadS, "sft_update_s", sftS, "rl_step_s", rlS, "save_s", saveS,
          "rss_before_load_bytes", rss0, "peak_rss_sft_bytes", sftPeak,
          "peak_rss_bytes", ProcessMemory.peakResident(), "checkpoint_weights_bytes", weightBytes,
          "optimizer_state_bytes", optimizerBytes, "checkpoint", dir.toAbsolutePath().toString(),
          "load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    }
    return 0;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return -1;
    }
  }
}
