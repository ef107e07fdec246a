package io.longctx.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.longctx.jobs.cli.LongctxCli;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The Databricks asset bundle in {@code deploy/databricks}: every jar task's parameters (with {@code ${var.x}}
 * replaced by the variable's default) parse with picocli against the real {@link LongctxCli} command, every
 * {@code --set key=value} is a config key the loader accepts on top of the example cluster config
 * ({@code deploy/conf/cluster.yaml}), schedules are Quartz crons in UTC, and task dependencies, job clusters,
 * variables and jar paths refer to things that exist.
 */
class DatabricksBundleTest {
  static final Pattern VAR = Pattern.compile("\\$\\{var\\.([A-Za-z0-9_]+)}");
  /** A dynamic value reference to a task value another task set: {@code {{tasks.<task>.values.<key>}}}. */
  static final Pattern TASK_VALUE = Pattern.compile("\\{\\{tasks\\.([A-Za-z0-9_]+)\\.values\\.([A-Za-z0-9_]+)}}");
  static final String MAIN_CLASS = LongctxCli.class.getName();

  static Path root;
  static Map<String, String> defaults = new LinkedHashMap<>();
  static JsonNode bundle;
  /** job key -> job node, over every resources/*.yml file the bundle includes. */
  static Map<String, JsonNode> jobs = new LinkedHashMap<>();

  @BeforeAll
  static void parseTheBundle() throws IOException {
    Path repo = Path.of(System.getProperty("basedir", "."));
    root = repo.resolve("deploy/databricks");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    bundle = yaml.readTree(root.resolve("databricks.yml").toFile());
    bundle.get("variables").fields().forEachRemaining(e -> {
      assertThat(e.getValue().has("default")).as("variable " + e.getKey() + " has a default").isTrue();
      defaults.put(e.getKey(), e.getValue().get("default").asText());
    });
    assertThat(bundle.get("include").get(0).asText()).isEqualTo("resources/*.yml");
    try (Stream<Path> files = Files.list(root.resolve("resources"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml")).sorted().toList()) {
        yaml.readTree(f.toFile()).get("resources").get("jobs").fields()
            .forEachRemaining(e -> jobs.put(e.getKey(), e.getValue()));
      }
    }
  }

  /** The parameters of a task with {@code ${var.x}} replaced by the defaults; unknown variables fail. */
  static List<String> parameters(JsonNode task) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : task.get("spark_jar_task").get("parameters")) {
      out.add(substitute(p.asText()));
    }
    return out;
  }

  static String substitute(String s) {
    // a task value is only known at run time: a stand-in path, checked by dynamicValueReferences... below
    Matcher m = VAR.matcher(TASK_VALUE.matcher(s).replaceAll("/task-values/$1/$2"));
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = defaults.get(m.group(1));
      assertThat(value).as("${var." + m.group(1) + "} is declared in databricks.yml").isNotNull();
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static boolean commandExists(String name) {
    return new CommandLine(new LongctxCli()).getSubcommands().containsKey(name);
  }

  @Test
  void theThreeNightlyJobsAreThere() {
    assertThat(jobs.keySet()).containsExactlyInAnyOrder("longctx_curate", "longctx_train", "longctx_eval");
  }

  @Test
  void everyJarTaskParsesAgainstTheRealCliAndItsSetKeysExist() {
    Path clusterConf = Path.of(System.getProperty("basedir", ".")).resolve("deploy/conf/cluster.yaml");
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
      for (JsonNode task : job.getValue().get("tasks")) {
        if (!task.has("spark_jar_task")) {
          continue;
        }
        String where = job.getKey() + "." + task.get("task_key").asText();
        assertThat(task.get("spark_jar_task").get("main_class_name").asText()).as(where).isEqualTo(MAIN_CLASS);
        List<String> args = parameters(task);
        if (args.get(0).equals("report") && !commandExists("report")) {
          // `report` comes with the report branch; until it is merged only the common options are checkable
          args = new ArrayList<>(args.subList(2, args.size()));
          args.add(0, "config");
        }
        ParseResult parsed;
        try {
          parsed = new CommandLine(new LongctxCli()).parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
          problems.add(where + ": " + args + " does not parse: " + e.getMessage());
          continue;
        }
        ParseResult sub = parsed.subcommand();
        if (sub == null) {
          problems.add(where + ": " + args + " names no subcommand");
          continue;
        }
        Map<String, String> sets = sub.matchedOptionValue("--set", Map.of());
        String confFile = String.valueOf(sub.<Object>matchedOptionValue("--conf", ""));
        if (!confFile.equals(defaults.get("conf_file"))) {
          problems.add(where + ": --conf is " + confFile + ", expected ${var.conf_file}");
        }
        try {
          LongctxConfig config = ConfigLoader.load(clusterConf, sets);
          List<String> benchmarks = sub.matchedOptionValue("--benchmarks", List.of());
          for (String b : benchmarks) {
            if (!config.eval().benchmarks().containsKey(b)) {
              problems.add(where + ": --benchmarks " + b + " is not configured in eval.benchmarks of " + clusterConf);
            }
          }
        } catch (RuntimeException e) {
          problems.add(where + ": --set " + sets + " is rejected by the config loader: " + e.getMessage());
        }
        checked++;
      }
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
    assertThat(checked).isEqualTo(7);
  }

  @Test
  void notebookTasksRunNotebooksOfThisRepoWithExactlyTheirWidgets() {
    int checked = 0;
    for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
      for (JsonNode task : job.getValue().get("tasks")) {
        if (!task.has("notebook_task")) {
          continue;
        }
        String where = job.getKey() + "." + task.get("task_key").asText();
        Path nb = root.resolve("resources").resolve(task.get("notebook_task").get("notebook_path").asText()).normalize();
        assertThat(nb).as(where).isRegularFile();
        assertThat(nb.getParent()).as(where + " runs a notebook of notebooks/")
            .isEqualTo(root.resolve("../../notebooks").normalize());
        assertThat(bundle.get("sync").get("paths").toString()).as("the bundle syncs notebooks/").contains("../../notebooks");
        SourceNotebook notebook = SourceNotebook.parse(nb);
        Set<String> given = new LinkedHashSet<>();
        task.get("notebook_task").get("base_parameters").fieldNames().forEachRemaining(given::add);
        assertThat(given).as(where + " base_parameters").isEqualTo(notebook.widgets().keySet());
        task.get("notebook_task").get("base_parameters").forEach(v -> substitute(v.asText()));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(2);
  }

  @Test
  void dynamicValueReferencesNameAnUpstreamNotebookTaskThatSetsThem() throws IOException {
    int checked = 0;
    for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
      Map<String, JsonNode> byKey = new LinkedHashMap<>();
      job.getValue().get("tasks").forEach(t -> byKey.put(t.get("task_key").asText(), t));
      for (JsonNode task : job.getValue().get("tasks")) {
        Matcher m = TASK_VALUE.matcher(task.toString());
        while (m.find()) {
          String where = job.getKey() + "." + task.get("task_key").asText();
          Set<String> upstream = new LinkedHashSet<>();
          task.path("depends_on").forEach(d -> upstream.add(d.get("task_key").asText()));
          assertThat(upstream).as(where + " depends on the task whose value it reads").contains(m.group(1));
          JsonNode source = byKey.get(m.group(1));
          String code = Files.readString(root.resolve("resources")
              .resolve(source.get("notebook_task").get("notebook_path").asText()).normalize());
          assertThat(code).as(m.group(1) + " sets task value " + m.group(2))
              .contains("dbutils.jobs.taskValues.set(key=\"" + m.group(2) + "\"");
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(2);
  }

  @Test
  void theEvalTasksEvaluateTheRunsNewestCheckpointUnderItsEvalRunName() {
    for (String jobAndTask : List.of("longctx_eval/eval", "longctx_train/eval_heldout")) {
      String[] jt = jobAndTask.split("/");
      JsonNode task = null;
      for (JsonNode t : jobs.get(jt[0]).get("tasks")) {
        if (t.get("task_key").asText().equals(jt[1])) {
          task = t;
        }
      }
      ParseResult sub = new CommandLine(new LongctxCli())
          .parseArgs(parameters(task).toArray(new String[0])).subcommand();
      assertThat(sub.commandSpec().name()).isEqualTo("eval");
      assertThat(sub.<String>matchedOptionValue("--checkpoint", null)).as(jobAndTask)
          .isEqualTo("/task-values/latest_checkpoint/checkpoint");
      assertThat(sub.<String>matchedOptionValue("--run", null)).as(jobAndTask).startsWith(defaults.get("run_name") + "-");
    }
  }

  @Test
  void theTrainTaskSetsTheNightlyStepBudget() {
    for (String key : List.of("sft", "train")) {
      JsonNode task = null;
      for (JsonNode t : jobs.get("longctx_train").get("tasks")) {
        if (t.get("task_key").asText().equals(key)) {
          task = t;
        }
      }
      ParseResult sub =
          new CommandLine(new LongctxCli()).parseArgs(parameters(task).toArray(new String[0])).subcommand();
      assertThat(sub.commandSpec().name()).isEqualTo(key);
      LongctxConfig config = ConfigLoader.load(null, sub.matchedOptionValue("--set", Map.of()));
      // sft writes run <run>-sft, which a new train run of the same train.run starts from
      assertThat(config.train().run()).as(key).isEqualTo(defaults.get("run_name"));
      if (key.equals("train")) {
        assertThat(config.train().stepsPerInvocation())
            .isEqualTo(Integer.parseInt(defaults.get("train_steps_per_night")));
      }
    }
  }

  @Test
  void anUnknownSetKeyIsRejectedByTheCheck() {
    // the check above relies on the loader naming unknown keys: the bundle's old key must fail it
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("train.max-steps-per-run", "200")))
        .hasMessageContaining("max-steps-per-run");
  }

  @Test
  void schedulesAreQuartzCronsInUtc() {
    for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
      JsonNode schedule = job.getValue().get("schedule");
      assertThat(schedule).as(job.getKey() + " has a schedule").isNotNull();
      assertThat(schedule.get("timezone_id").asText()).as(job.getKey()).isEqualTo("UTC");
      String cron = schedule.get("quartz_cron_expression").asText();
      assertThat(quartzProblem(cron)).as(job.getKey() + ": " + cron).isNull();
    }
    assertThat(quartzProblem("0 0 1 * *")).contains("6 or 7 fields");
    assertThat(quartzProblem("0 0 25 * * ?")).contains("hour");
    assertThat(quartzProblem("0 0 1 * * *")).contains("'?'");
  }

  /** Null when {@code cron} is a Quartz expression this test understands, else what is wrong with it. */
  static String quartzProblem(String cron) {
    String[] f = cron.trim().split("\\s+");
    if (f.length < 6 || f.length > 7) {
      return "a Quartz cron has 6 or 7 fields (seconds first), got " + f.length;
    }
    String[] names = {"second", "minute", "hour"};
    int[] max = {59, 59, 23};
    for (int i = 0; i < 3; i++) {
      for (String part : f[i].split("[,/-]")) {
        if (part.equals("*")) {
          continue;
        }
        if (!part.matches("\\d+") || Integer.parseInt(part) > max[i]) {
          return names[i] + " field '" + f[i] + "' is not in 0-" + max[i];
        }
      }
    }
    if (f[3].equals("?") == f[5].equals("?")) {
      return "exactly one of day-of-month and day-of-week must be '?'";
    }
    return null;
  }

  @Test
  void dependenciesClustersVariablesAndJarPathsResolve() throws IOException {
    Path jar = root.resolve(bundle.get("artifacts").get("longctx_jar").get("files").get(0).get("source").asText())
        .normalize();
    assertThat(jar.toString()).endsWith("target/longctx-rl-cluster.jar");
    String pom = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("pom.xml"));
    assertThat(pom).contains("<outputFile>${project.build.directory}/longctx-rl-cluster.jar</outputFile>");
    for (Map.Entry<String, JsonNode> job : jobs.entrySet()) {
      Set<String> clusters = new LinkedHashSet<>();
      job.getValue().get("job_clusters").forEach(c -> clusters.add(c.get("job_cluster_key").asText()));
      Set<String> tasks = new LinkedHashSet<>();
      job.getValue().get("tasks").forEach(t -> tasks.add(t.get("task_key").asText()));
      assertThat(job.getValue().get("email_notifications").get("on_failure").get(0).asText())
          .isEqualTo("${var.failure_email}");
      for (JsonNode t : job.getValue().get("tasks")) {
        String where = job.getKey() + "." + t.get("task_key").asText();
        assertThat(clusters).as(where + " job_cluster_key").contains(t.get("job_cluster_key").asText());
        if (t.has("depends_on")) {
          for (JsonNode d : t.get("depends_on")) {
            assertThat(tasks).as(where + " depends_on").contains(d.get("task_key").asText());
            assertThat(d.get("task_key").asText()).as(where + " depends on itself").isNotEqualTo(t.get("task_key").asText());
          }
        }
        for (JsonNode lib : t.path("libraries")) {
          // library paths are relative to the resources/ folder that defines them
          assertThat(root.resolve("resources").resolve(lib.get("jar").asText()).normalize()).as(where).isEqualTo(jar);
        }
      }
    }
    // every ${var.x} anywhere in the bundle is declared
    try (Stream<Path> files = Stream.concat(Stream.of(root.resolve("databricks.yml")),
        Files.list(root.resolve("resources")))) {
      for (Path f : files.toList()) {
        Matcher m = VAR.matcher(Files.readString(f));
        while (m.find()) {
          assertThat(defaults).as(f.getFileName() + " uses ${var." + m.group(1) + "}").containsKey(m.group(1));
        }
      }
    }
  }
}
