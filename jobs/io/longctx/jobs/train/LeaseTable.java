package io.longctx.jobs.train;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code run_leases} Delta table: at most one row per run, naming the invocation that may write the run's
 * slices. Every change is a compare-and-set: a MERGE that inserts only when the run has no row, or replaces the row
 * only when it still holds the owner and generation the writer read. Delta's optimistic concurrency turns two
 * writers racing on one run into one commit and one {@link ConcurrentModificationException}; the table is
 * partitioned by run, so invocations of different runs never conflict.
 */
final class LeaseTable {
  static final StructType SCHEMA =
      new StructType()
          .add("run", DataTypes.StringType, false)
          .add("owner", DataTypes.StringType, false)
          .add("host", DataTypes.StringType, false)
          .add("pid", DataTypes.LongType, false)
          .add("acquired_at", DataTypes.TimestampType, false)
          .add("heartbeat_at", DataTypes.TimestampType, false)
          .add("expires_at", DataTypes.TimestampType, false)
          .add("generation", DataTypes.LongType, false);

  private final SparkSession spark;
  private final String path;

  LeaseTable(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  String path() {
    return path;
  }

  /** One lease row; {@code generation} grows by one with every acquisition and heartbeat. */
  record Lease(String run, String owner, String host, long pid, Instant acquiredAt, Instant heartbeatAt,
      Instant expiresAt, long generation) {

    boolean expired(Instant now) {
      return !expiresAt.isAfter(now);
    }

    Lease renewed(Instant now, long ttlSeconds) {
      return new Lease(run, owner, host, pid, acquiredAt, now, now.plusSeconds(ttlSeconds), generation + 1);
    }
  }

  /**
   * Creates the table when it does not exist. Of two processes creating it at the same moment one fails (a
   * protocol-change conflict, or a location that holds the other's log but no commit yet); it finds the table on a
   * later try. Spark's {@code AnalysisException} (the second case) is a checked exception that Scala code throws
   * undeclared, hence the catch of {@link Exception}.
   */
  void ensureExists() {
    for (int attempt = 1; !exists(); attempt++) {
      try {
        DeltaTable.createIfNotExists(spark).location(path).addColumns(SCHEMA).partitionedBy("run").execute();
      } catch (Exception e) {
        if (attempt == 10) {
          throw e;
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Whether the table has a commit, read from its log now: {@link DeltaTable#isDeltaTable} answers from a cached
   * view, which stays "no table" after this JVM looked while another process was creating it.
   */
  private boolean exists() {
    return DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty()).version() >= 0;
  }

  /** The run's lease as of the table's latest version. */
  Optional<Lease> read(String run) {
    List<Row> rows = spark.read().format("delta").load(path).where(functions.col("run").equalTo(run))
        .collectAsList();
    if (rows.size() > 1) {
      throw new IllegalStateException("The lease table " + path + " has " + rows.size() + " rows for run '" + run
          + "'; it must have at most one. Delete the run's rows there once no invocation of it is running.");
    }
    return rows.stream().findFirst().map(LeaseTable::lease);
  }

  /**
   * Writes {@code next} if the run's row is still {@code expected} (owner and generation), or absent when
   * {@code expected} is empty. Returns normally when the commit went through, which does not mean the compare
   * matched: read the row back to know. Throws {@link ConcurrentModificationException} when another writer
   * committed to the run's partition since this one read it.
   */
  void compareAndSet(Optional<Lease> expected, Lease next) {
    var source = spark.createDataFrame(List.of(row(next)), SCHEMA).as("s");
    var merge = DeltaTable.forPath(spark, path).as("t")
        .merge(source, "t.run = " + literal(next.run()) + " AND t.run = s.run");
    if (expected.isPresent()) {
      merge = merge.whenMatched("t.owner = " + literal(expected.get().owner()) + " AND t.generation = "
          + expected.get().generation()).updateAll();
    }
    merge.whenNotMatched().insertAll().execute();
  }

  /** Deletes the run's row if {@code mine} (its owner) still holds it. */
  void delete(Lease mine) {
    DeltaTable.forPath(spark, path).as("t")
        .merge(spark.createDataFrame(List.of(row(mine)), SCHEMA).as("s"),
            "t.run = " + literal(mine.run()) + " AND t.run = s.run")
        .whenMatched("t.owner = " + literal(mine.owner())).delete()
        .execute();
  }

  private Row row(Lease l) {
    return RowFactory.create(l.run(), l.owner(), l.host(), l.pid(), time(l.acquiredAt()), time(l.heartbeatAt()),
        time(l.expiresAt()), l.generation());
  }

  /** A timestamp value as the session's row encoder expects it (java.time with the Java 8 date API on). */
  private Object time(Instant t) {
    return Boolean.parseBoolean(spark.conf().get("spark.sql.datetime.java8API.enabled", "false"))
        ? t : Timestamp.from(t);
  }

  private static Lease lease(Row r) {
    return new Lease(r.getAs("run"), r.getAs("owner"), r.getAs("host"), r.<Long>getAs("pid"),
        instant(r.getAs("acquired_at")), instant(r.getAs("heartbeat_at")), instant(r.getAs("expires_at")),
        r.<Long>getAs("generation"));
  }

  private static Instant instant(Object v) {
    return v instanceof Instant i ? i : ((Timestamp) v).toInstant();
  }

  private static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
