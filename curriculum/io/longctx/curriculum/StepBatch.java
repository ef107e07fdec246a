package io.longctx.curriculum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The batch chosen for one RL step, with everything needed to replay the choice.
 *
 * @param at the step's place in the curriculum
 * @param seed the seed the choice was made with
 * @param samplesVersion the Delta version of {@code samples} read; replay with {@link BatchSelector#replay}
 * @param hardSamplesVersion the Delta version of {@code hard_samples} read, -1 when the table did not exist
 * @param picks the chosen samples in batch order (fresh picks first, then retrospective ones)
 * @param rows the chosen sample rows: every column of {@code samples} plus {@code pick} ('fresh' |
 *     'retrospective') and {@code batch_index} (position in {@link #picks}); lazily read at the pinned versions,
 *     in no particular row order
 */
public record StepBatch(
    PhaseStep at, long seed, long samplesVersion, long hardSamplesVersion, List<Pick> picks, Dataset<Row> rows) {
  public static final String FRESH = "fresh";
  public static final String RETROSPECTIVE = "retrospective";

  public StepBatch {
    picks = List.copyOf(picks);
  }

  /** One chosen sample. */
  public record Pick(int batchIndex, String sampleId, String pick) {}

  /**
   * The table versions this batch was chosen from, keyed by table name ({@code samples}, {@code hard_samples}),
   * for the step's provenance record; pass them to {@link BatchSelector#replay} to choose it again.
   */
  public Map<String, Long> versionsRead() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("samples", samplesVersion);
    m.put("hard_samples", hardSamplesVersion);
    return m;
  }

  /** The chosen sample ids in batch order. */
  public List<String> sampleIds() {
    return picks.stream().map(Pick::sampleId).toList();
  }

  /** The ids of the retrospective picks, in batch order. */
  public List<String> retrospectiveIds() {
    return picks.stream().filter(p -> RETROSPECTIVE.equals(p.pick())).map(Pick::sampleId).toList();
  }

  public int size() {
    return picks.size();
  }

  public int retrospectiveCount() {
    return retrospectiveIds().size();
  }

  public int freshCount() {
    return size() - retrospectiveCount();
  }
}
