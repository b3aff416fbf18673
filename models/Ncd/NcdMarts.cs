using System.Data;
using System.Diagnostics;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// Writes ncd_person and ncd_cell for a snapshot. Runs as an after-load step inside the load transaction (so no
/// reader ever sees a snapshot without its case status), and as a backfill for snapshots loaded before the step
/// existed.
/// </summary>
public static class NcdMarts
{
    /// <summary>The <see cref="Warehouse.Loading.AfterLoadStep"/> of models/Pipeline/Pipeline.cs.</summary>
    public static void AfterLoad(DuckDBConnection connection, Manifest manifest) =>
        Compute(connection, manifest.SnapshotId, manifest.AsOf, null);

    internal static void Compute(IDbConnection c, string snapshotId, DateOnly asOf, IDbTransaction? tx)
    {
        var sw = Stopwatch.StartNew();
        var d = asOf.ToDateTime(TimeOnly.MinValue);
        var args = new
        {
            sid = snapshotId, asof = d, y1 = d.AddDays(-365), d90 = d.AddDays(-90), m3 = d.AddMonths(-3),
        };
        c.Execute(NcdSql.DeleteSnapshot, new { sid = snapshotId }, tx);
        FactHistory.Put(c, tx, "ncd_person", NcdSql.Persons, args, snapshotId);
        c.Execute(NcdSql.Cells, new { sid = snapshotId }, tx);
        c.Execute(NcdSql.Done, new { sid = snapshotId, seconds = sw.Elapsed.TotalSeconds }, tx);
        ProgrammeMarts.Compute(c, snapshotId, asOf, tx);
    }

    /// <summary>Computes every loaded snapshot that has no NCD rows yet (each in its own transaction); returns how many.</summary>
    public static int EnsureComputed(WarehouseDb db)
    {
        using var c = db.Open();
        var missing = c.Query<(string Sid, DateOnly AsOf)>("""
            SELECT snapshot_id, as_of FROM fact_snapshot WHERE snapshot_id NOT IN (SELECT snapshot_id FROM ncd_done) ORDER BY as_of
            """).ToList();
        foreach (var (sid, asOf) in missing)
        {
            using var tx = c.BeginTransaction();
            Compute(c, sid, asOf, tx);
            tx.Commit();
        }
        ProgrammeMarts.EnsureComputed(db);
        return missing.Count;
    }
}
