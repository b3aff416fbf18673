using System.Data;
using System.Diagnostics;
using Dapper;
using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// Writes ncd_prog_month and ncd_prog_cohort for a snapshot (18 months and the registration cohorts from its visit
/// history). Runs with the NCD after-load step inside the load transaction (<see cref="NcdMarts"/>), and at open for
/// snapshots without rows of the current <see cref="ProgrammeSql.Version"/>.
/// </summary>
public static class ProgrammeMarts
{
    internal static List<(string Stage, double Seconds)> Compute(IDbConnection c, string snapshotId, DateOnly asOf, IDbTransaction? tx,
        Action<string, double>? onStage = null)
    {
        var sw = Stopwatch.StartNew();
        var stages = new List<(string, double)>();
        var args = new { sid = snapshotId, asof = asOf.ToDateTime(TimeOnly.MinValue) };
        void Run(string stage, string sql, object? parameters)
        {
            var t = sw.Elapsed.TotalSeconds;
            c.Execute(sql, parameters, tx);
            stages.Add((stage, sw.Elapsed.TotalSeconds - t));
            onStage?.Invoke(stage, stages[^1].Item2);
        }
        Run("delete", ProgrammeSql.DeleteSnapshot, new { sid = snapshotId });
        Run("registered", ProgrammeSql.Registered, args);
        Run("buckets", ProgrammeSql.Buckets, args);
        Run("months", ProgrammeSql.MonthRows, args);
        Run("cohorts", ProgrammeSql.CohortRows, args);
        Run("cleanup", ProgrammeSql.Cleanup, null);
        c.Execute(ProgrammeSql.Done, new { sid = snapshotId, version = ProgrammeSql.Version, seconds = sw.Elapsed.TotalSeconds }, tx);
        return stages;
    }

    /// <summary>Computes a snapshot's programme rows in a transaction that is rolled back, and returns the seconds of
    /// each stage (for the benchmark).</summary>
    public static IReadOnlyList<(string Stage, double Seconds)> Profile(WarehouseDb db, string snapshotId, DateOnly asOf,
        Action<string, double>? onStage = null)
    {
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        var stages = Compute(c, snapshotId, asOf, tx, onStage);
        tx.Rollback();
        return stages;
    }

    /// <summary>Computes every loaded snapshot without current programme rows (each in its own transaction); returns how many.</summary>
    public static int EnsureComputed(WarehouseDb db)
    {
        using var c = db.Open();
        var missing = c.Query<(string Sid, DateOnly AsOf)>("""
            SELECT snapshot_id, as_of FROM fact_snapshot
            WHERE snapshot_id NOT IN (SELECT snapshot_id FROM ncd_prog_done WHERE version = $v) ORDER BY as_of
            """, new { v = ProgrammeSql.Version }).ToList();
        foreach (var (sid, asOf) in missing)
        {
            using var tx = c.BeginTransaction();
            Compute(c, sid, asOf, tx);
            tx.Commit();
        }
        return missing.Count;
    }

    /// <summary>Seconds the last computation of a snapshot took (null: not computed).</summary>
    public static double? Seconds(WarehouseDb db, string snapshotId)
    {
        using var c = db.Open();
        return c.QueryFirstOrDefault<double?>("SELECT seconds FROM ncd_prog_done WHERE snapshot_id = $sid", new { sid = snapshotId });
    }
}
