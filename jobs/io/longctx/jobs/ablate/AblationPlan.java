package io.longctx.jobs.ablate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.common.ConfigException;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code longctx ablate} runs: each named overlay merged over the base config, times seeds 1..N, as runs of
 * their own in one warehouse. Runs are named {@code abl-<config>-s<seed>} (eval run {@code <run>-eval}); seed k adds
 * {@code 1000 (k - 1)} to {@code train.seed} and {@code curriculum.seed} (so SFT's initial weights and shuffle,
 * the batches and the sampling differ per seed, and seed 1 is the config as written), while the synthetic data, the
 * curated samples and the evaluation protocol are shared: an overlay that changes {@code synth}, {@code curate},
 * {@code eval}, {@code policy.tokenizer} or {@code warehouse} is refused.
 *
 * <p>Warm-up SFT is content-addressed: its run is {@code abl-s<seed>-<key>-sft}, the key a hash of every setting
 * the SFT job reads (the {@code sft} and {@code policy} sections, the optimizer fields SFT uses, {@code train.seed}
 * and the per-epoch length caps), so every config whose SFT settings and seed agree shares one SFT checkpoint. SFT
 * runs with the base config's {@code optim} section: an overlay's optimizer settings (e.g. the GRPO loss
 * aggregation, which SFT's loss also follows) are RL's, not SFT's.
 */
public final class AblationPlan {
  /** Seed k offsets train.seed and curriculum.seed by this times (k - 1). */
  public static final long SEED_STRIDE = 1000L;

  /** The sections every config of an ablation must share with the base (data, evaluation, tokenisation). */
  static final List<String> SHARED = List.of("warehouse", "synth", "curate", "eval", "policy.tokenizer");

  /** The optimizer fields the warm-up SFT job reads (WarmupSftJob builds its own OptimConfig from them). */
  static final List<String> SFT_OPTIM_FIELDS =
      List.of("beta1", "beta2", "eps", "weight-decay", "max-grad-norm", "loss-agg", "micro-batch-size");

  private static final ObjectMapper JSON = ConfigLoader.jsonMapper();

  /** One named overlay over the base, before seeds are applied. */
  public record Config(String name, Path overlay, LongctxConfig config) {}

  /**
   * One config x seed.
   *
   * @param sft the config of its warm-up SFT (the RL config with the base's optim section and train.run set to the
   *     SFT's content-addressed name); null when the config has no SFT ({@code sft.enabled: false})
   * @param sftRun the SFT job's run id ({@code abl-s<seed>-<key>-sft}); null without SFT
   * @param sftSetting the SFT settings' address without the seed (equal for every seed of configs that share SFT
   *     settings); null without SFT
   */
  public record RunSpec(String config, int seed, String run, LongctxConfig rl, LongctxConfig sft, String sftRun,
      String sftSetting) {
    public String evalRun() {
      return AblationPlan.evalRun(run);
    }

    public Optional<String> sftEvalRun() {
      return Optional.ofNullable(sftRun).map(AblationPlan::evalRun);
    }
  }

  private final LongctxConfig base;
  private final List<Config> configs;
  private final int seeds;
  private final List<RunSpec> runs;

  private AblationPlan(LongctxConfig base, List<Config> configs, int seeds, List<RunSpec> runs) {
    this.base = base;
    this.configs = configs;
    this.seeds = seeds;
    this.runs = runs;
  }

  /**
   * Loads and checks every config (all before anything runs, so a bad overlay fails at once).
   *
   * @param baseFile the base config
   * @param names overlay names ({@code <dir of the base>/ablations/<name>.yaml}) or paths to YAML files
   * @param seeds seeds per config (1..N)
   * @param overrides {@code --set} values, applied over base and overlay
   * @param warehouse {@code --warehouse} (null: the base config's)
   */
  public static AblationPlan of(Path baseFile, List<String> names, int seeds, Map<String, String> overrides,
      String warehouse) {
    if (names.isEmpty()) {
      throw new ConfigException("--configs", "name at least one config");
    }
    if (seeds < 1) {
      throw new ConfigException("--seeds", "must be at least 1, got " + seeds);
    }
    Map<String, String> values = new LinkedHashMap<>(overrides);
    if (warehouse != null) {
      values.put("warehouse", warehouse);
    }
    LongctxConfig base = ConfigLoader.loadLayered(List.of(baseFile), values);
    Path dir = ablationsDir(baseFile);
    List<Config> configs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      Path overlay = resolve(n, dir);
      String name = nameOf(n, overlay);
      if (!seen.add(name)) {
        throw new ConfigException("--configs", "config '" + name + "' is named twice");
      }
      LongctxConfig c;
      try {
        c = ConfigLoader.loadLayered(List.of(baseFile, overlay), values);
      } catch (ConfigException e) {
        throw new ConfigException(e.key(), "in ablation config " + overlay + ": "
            + e.getMessage().replaceFirst("^Invalid config key '[^']*': ", ""));
      }
      sharedDifference(base, c).ifPresent(key -> {
        throw new ConfigException(key, "ablation config '" + name + "' (" + overlay + ") changes '" + key
            + "': every config of an ablation shares the synthetic data, the curated samples and the evaluation"
            + " (sections " + SHARED + "); put such a change in the base config instead");
      });
      configs.add(new Config(name, overlay, c));
    }
    List<RunSpec> runs = new ArrayList<>();
    for (int seed = 1; seed <= seeds; seed++) { // seed-major: a stopped ablation has every config at equal n
      for (Config c : configs) {
        runs.add(spec(base, c, seed));
      }
    }
    return new AblationPlan(base, List.copyOf(configs), seeds, List.copyOf(runs));
  }

  public LongctxConfig base() {
    return base;
  }

  public List<Config> configs() {
    return configs;
  }

  public int seeds() {
    return seeds;
  }

  /** Every config x seed, seed-major (seed 1 of every config, then seed 2, ...). */
  public List<RunSpec> runs() {
    return runs;
  }

  /** {@code conf/ablations} next to the base file (its folder's {@code ablations}). */
  public static Path ablationsDir(Path baseFile) {
    Path parent = baseFile.toAbsolutePath().normalize().getParent();
    return parent.resolve("ablations");
  }

  /** A name is {@code <dir>/<name>.yaml}; anything with a '/' or ending in .yaml/.yml is a path. */
  static Path resolve(String nameOrPath, Path dir) {
    boolean path = nameOrPath.contains("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
    Path p = path ? Path.of(nameOrPath) : dir.resolve(nameOrPath + ".yaml");
    if (!Files.isRegularFile(p)) {
      throw new ConfigException("--configs", "no ablation config " + p + (path ? "" : " (a name means "
          + dir + "/<name>.yaml; give a path to use another file)"));
    }
    return p;
  }

  static String nameOf(String nameOrPath, Path overlay) {
    String file = overlay.getFileName().toString();
    String name = nameOrPath.equals(file) || nameOrPath.contains("/") || nameOrPath.endsWith(".yaml")
        || nameOrPath.endsWith(".yml") ? file.replaceFirst("\\.ya?ml$", "") : nameOrPath;
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException("--configs", "a config name may hold only letters, digits, '.', '_' and '-', got '"
          + name + "'");
    }
    return name;
  }

  public static String runName(String config, int seed) {
    return "abl-" + config + "-s" + seed;
  }

  public static String evalRun(String run) {
    return run + "-eval";
  }

  /** The train.seed and curriculum.seed of seed k of a config. */
  static Map<String, String> seedValues(LongctxConfig c, int seed) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("train.seed", Long.toString(c.train().seed() + SEED_STRIDE * (seed - 1)));
    m.put("curriculum.seed", Long.toString(c.curriculum().seed() + SEED_STRIDE * (seed - 1)));
    return m;
  }

  static RunSpec spec(LongctxConfig base, Config c, int seed) {
    String run = runName(c.name(), seed);
    Map<String, String> v = seedValues(c.config(), seed);
    v.put("train.run", run);
    v.put("eval.run", evalRun(run));
    LongctxConfig rl = ConfigLoader.withValues(c.config(), v);
    if (!rl.sft().enabled()) {
      return new RunSpec(c.name(), seed, run, rl, null, null, null);
    }
    Map<String, String> s = new LinkedHashMap<>();
    s.put("optim", json(base.optim()));
    LongctxConfig sftBase = ConfigLoader.withValues(rl, s);
    String trainRun = "abl-s" + seed + "-" + sftKey(sftBase);
    LongctxConfig sft = ConfigLoader.withValues(sftBase,
        Map.of("train.run", trainRun, "eval.run", evalRun(trainRun + "-sft")));
    String setting = sftKey(ConfigLoader.withValues(c.config(), s)); // the config as written: seed 1's seeds
    return new RunSpec(c.name(), seed, run, rl, sft, trainRun + "-sft", setting);
  }

  /**
   * The content address of a warm-up SFT: the first 8 hex digits of the SHA-256 of every setting the SFT job reads
   * (sft without {@code enabled}, policy without {@code device} and {@code cpu-threads}, the SFT optimizer fields,
   * train.seed, the caps of epoch 1..epochs).
   */
  static String sftKey(LongctxConfig c) {
    ObjectNode key = JSON.createObjectNode();
    ObjectNode sft = JSON.valueToTree(c.sft());
    sft.remove("enabled");
    key.set("sft", sft);
    ObjectNode policy = JSON.valueToTree(c.policy());
    policy.remove(List.of("device", "cpu-threads")); // where and on how many threads, not what is learned
    key.set("policy", policy);
    JsonNode optim = JSON.valueToTree(c.optim());
    ObjectNode o = key.putObject("optim");
    for (String f : SFT_OPTIM_FIELDS) {
      o.set(f, optim.get(f));
    }
    key.put("train-seed", c.train().seed());
    var caps = key.putArray("epoch-caps");
    for (long e = 1; e <= c.sft().epochs(); e++) {
      caps.add(c.sft().epochCap(c.curriculum(), e));
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(key)
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 8);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("cannot hash the SFT settings", e);
    }
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first key under {@link #SHARED} where the two configs differ, if any. */
  static Optional<String> sharedDifference(LongctxConfig a, LongctxConfig b) {
    JsonNode ta = JSON.valueToTree(a);
    JsonNode tb = JSON.valueToTree(b);
    for (String s : SHARED) {
      JsonNode na = ta;
      JsonNode nb = tb;
      for (String part : s.split("\\.")) {
        na = na.path(part);
        nb = nb.path(part);
      }
      Optional<String> d = firstDifference(na, nb, s, false);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  /**
   * The first path where {@code a} and {@code b} differ. With {@code commonOnly}, keys present on one side only
   * are ignored (a newer build that added a key with its default still matches what an older one recorded).
   */
  static Optional<String> firstDifference(JsonNode a, JsonNode b, String path, boolean commonOnly) {
    if (a.isObject() && b.isObject()) {
      Set<String> keys = new java.util.LinkedHashSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        if (commonOnly && (!a.has(k) || !b.has(k))) {
          continue;
        }
        Optional<String> d = firstDifference(a.path(k), b.path(k), path + "." + k, commonOnly);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> ia = a.elements();
      Iterator<JsonNode> ib = b.elements();
      for (int i = 0; ia.hasNext(); i++) {
        Optional<String> d = firstDifference(ia.next(), ib.next(), path + "[" + i + "]", commonOnly);
        if (d.isPresent()) {
          return d;
        }
      }
      return Optional.empty();
    }
    return a.equals(b) ? Optional.empty() : Optional.of(path);
  }
}
