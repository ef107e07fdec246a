package io.longctx.transforms;

/** User-facing errors of the curation steps: what failed, why, and how to fix it. */
public final class CurateErrors {
  private CurateErrors() {}

  /** A curation input or setting that makes the whole job impossible (record-level problems go to quarantine). */
  public static final class CurateException extends RuntimeException {
    CurateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static CurateException inputNotFound(String path) {
    return new CurateException(
        "Cannot curate " + path + ": no such file, directory or table. Pass existing paths with --input, or run"
            + " 'bin/longctx synth' first to create the default input.", null);
  }

  public static CurateException unsupportedFormat(String path) {
    return new CurateException(
        "Cannot curate " + path + ": unknown format. Inputs must end in .jsonl, .json, .parquet or .csv, or be a"
            + " directory of such files, or a Delta table directory (with _delta_log).", null);
  }

  public static CurateException emptyInput(String path) {
    return new CurateException(
        "Cannot curate " + path + ": the directory holds no .jsonl, .json, .parquet or .csv files.", null);
  }

  public static CurateException evalSetNotFound(String path) {
    return new CurateException(
        "Cannot decontaminate against " + path + ": no such file or table. Fix curate.eval-sets, or set it to []"
            + " to use the synthetic held-out file when present.", null);
  }

  /** A tabular input (Parquet, CSV/TSV, Delta) whose columns fit neither input layout. */
  public static CurateException wrongLayout(String path, java.util.List<String> found) {
    return new CurateException("Cannot curate " + path + ": its columns " + found + " fit neither input layout;"
        + " expected the verl/QwenLong-L1 layout [data_source, prompt, ability, reward_model, extra_info] or the"
        + " plain layout [id, context, question, answer, source]. Is this the right file?", null);
  }

  public static CurateException io(String what, Throwable cause) {
    return new CurateException("Cannot " + what + ": " + cause.getMessage(), cause);
  }
}
