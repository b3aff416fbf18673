using System.Data;
using System.Diagnostics;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>
/// Builds the KPI marts (<c>mart_unit_kpi</c>, <c>mart_unit_agesex</c>, <c>mart_bridged_kpi</c>, see
/// Schema/003_marts.sql) of one snapshot: one pass over its records into per-(ward, age band, sex) cells, then
/// set-based rollups. Register <see cref="Build(DuckDBConnection, Manifest)"/> as an after-load step so the marts
/// commit or roll back with the snapshot.
/// </summary>
public static class KpiMarts
{
    /// <summary>The after-load step: rebuilds the marts of the snapshot just loaded, inside the load transaction.</summary>
    public static void Build(DuckDBConnection connection, Manifest manifest) =>
        Build(connection, manifest.SnapshotId, manifest.ProvinceCode, manifest.AsOf, manifest.AdminCodes);

    /// <summary>Rebuilds the marts of an already-loaded snapshot in their own transaction and returns the seconds
    /// the build took (for the benchmark). Throws <see cref="KpiNotFoundException"/> for an unknown snapshot.</summary>
    public static double Rebuild(WarehouseDb db, string snapshotId)
    {
        using var conn = db.OpenStaging();
        var s = conn.QuerySingleOrDefault<(string Province, DateTime AsOf, string CodeSystem)?>(
            "SELECT province_code, as_of::TIMESTAMP, code_system FROM wh.main.fact_snapshot WHERE snapshot_id = $sid",
            new { sid = snapshotId }) ?? throw KpiNotFoundException.Snapshot(snapshotId);
        var watch = Stopwatch.StartNew();
        using var tx = conn.BeginTransaction();
        Build(conn, snapshotId, s.Province, DateOnly.FromDateTime(s.AsOf), s.CodeSystem);
        tx.Commit();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Version of the mart definitions: bump it when a mart gains a column or a definition changes, so
    /// every snapshot of an existing warehouse is rebuilt once at open (2: permanent residents, 3: visitors' completeness, issue 9; 4: the denominator marts).</summary>
    public const string Version = "4";

    /// <summary>Builds the marts of every loaded snapshot that has none (a warehouse loaded before the marts
    /// existed), or of every snapshot when the warehouse's <c>kpi_marts_version</c> stamp is not
    /// <see cref="Version"/>, then stamps it. Returns the snapshot ids built.</summary>
    public static IReadOnlyList<string> BuildMissing(WarehouseDb db)
    {
        List<string> missing;
        using (var conn = db.Open())
        {
            var stamped = conn.QuerySingleOrDefault<string>("SELECT value FROM wh_meta WHERE key = 'kpi_marts_version'") == Version;
            missing = conn.Query<string>("""
                SELECT snapshot_id FROM fact_snapshot
                WHERE NOT $stamped OR snapshot_id NOT IN (SELECT DISTINCT snapshot_id FROM mart_unit_kpi)
                ORDER BY as_of, snapshot_id
                """, new { stamped }).ToList();
            if (stamped && missing.Count == 0) return missing;
        }
        foreach (var id in missing) Rebuild(db, id);
        using (var conn = db.Open())
            conn.Execute("INSERT OR REPLACE INTO wh_meta VALUES ('kpi_marts_version', $v)", new { v = Version });
        return missing;
    }

    /// <summary>Rebuilds <c>mart_unit_denominator</c> and <c>mart_bridged_denominator</c> of one snapshot, or of every
    /// snapshot when <paramref name="snapshotId"/> is null (a population load, in its transaction).</summary>
    public static void BuildDenominators(DuckDBConnection conn, string? snapshotId, IDbTransaction? tx = null)
    {
        var args = new { all = snapshotId is null, sid = snapshotId ?? "" };
        conn.Execute(KpiMartsSql.DeleteDenominators, args, tx);
        conn.Execute(KpiMartsSql.Denominators, args, tx);
        conn.Execute(KpiMartsSql.BridgedDenominators, args, tx);
    }

    static void Build(DuckDBConnection conn, string snapshotId, string province, DateOnly asOf, string codeSystem)
    {
        var args = new { sid = snapshotId, province, asof = asOf.ToDateTime(TimeOnly.MinValue), cs = codeSystem };
        conn.Execute(KpiMartsSql.Delete, args);
        conn.Execute(KpiMartsSql.Cells, args);
        conn.Execute(KpiMartsSql.Communes, args);
        if (codeSystem == ReferenceData.SystemLegacy) conn.Execute(KpiMartsSql.Districts, args);
        conn.Execute(KpiMartsSql.Provinces, args);
        conn.Execute(KpiMartsSql.AgeSex, args);
        if (codeSystem == ReferenceData.SystemLegacy) conn.Execute(KpiMartsSql.Bridged, args);
        BuildDenominators(conn, snapshotId);
        // The first snapshot of a warehouse (no other has marts): every mart is of this version, so stamp it and the
        // next open has nothing to rebuild.
        conn.Execute("""
            INSERT OR REPLACE INTO wh.main.wh_meta
            SELECT 'kpi_marts_version', $v WHERE NOT EXISTS (SELECT 1 FROM wh.main.mart_unit_kpi WHERE snapshot_id <> $sid)
            """, new { v = Version, sid = snapshotId });
        // Not in a finally: after a failure the transaction is aborted and the TEMP table dies with the connection.
        conn.Execute(KpiMartsSql.DropCells);
    }
}
