using Dapper;

namespace HoSoSucKhoe.Warehouse.Loading;

/// <summary>What <see cref="SnapshotPruner.Prune"/> removed: the snapshots and the rows per table.</summary>
public sealed record PruneResult(IReadOnlyList<string> Removed, IReadOnlyList<string> Kept, IReadOnlyDictionary<string, long> RowsByTable);

/// <summary>
/// Drops old snapshots with everything computed from them, keeping the latest <c>keep</c> of each province (by as-of
/// date, then id): every mart and NCD table that has a <c>snapshot_id</c> column and the snapshots' facts with their
/// names and phones (<see cref="FactHistory.Delete"/>), in one transaction — a failure
/// leaves the warehouse as it was. Logs are never pruned: the line-list audit log (<c>ncd_audit</c>) and the mail send
/// log keep their rows, and trained models (<c>ncd_model</c>) stay. Population denominators are not per snapshot and stay.
/// </summary>
public static class SnapshotPruner
{
    static readonly string[] Kept = ["ncd_audit", "ncd_model"];

    /// <exception cref="ArgumentException"><paramref name="keep"/> below 1 (names the parameter).</exception>
    public static PruneResult Prune(WarehouseDb db, int keep, string? province = null)
    {
        if (keep < 1) throw new ArgumentException($"Tham số --keep: cần ít nhất 1 ảnh chụp được giữ lại mỗi tỉnh (đã cho {keep}).");
        using var c = db.Open();
        var ranked = c.Query<(string SnapshotId, string Province, int Rank)>("""
            SELECT snapshot_id, province_code,
                   row_number() OVER (PARTITION BY province_code ORDER BY as_of DESC, snapshot_id DESC)::INTEGER
            FROM fact_snapshot
            """).ToList();
        var removed = ranked.Where(r => r.Rank > keep && (province is null || r.Province == province)).Select(r => r.SnapshotId)
            .Order(StringComparer.Ordinal).ToList();
        var kept = ranked.Select(r => r.SnapshotId).Except(removed).Order(StringComparer.Ordinal).ToList();
        var tables = c.Query<string>("""
            SELECT table_name FROM information_schema.columns
            WHERE table_catalog = 'wh' AND table_schema = 'main' AND column_name = 'snapshot_id'
              AND (table_name LIKE 'fact\_%' ESCAPE '\' OR table_name LIKE 'mart\_%' ESCAPE '\' OR table_name LIKE 'ncd\_%' ESCAPE '\')
              AND table_name IN (SELECT table_name FROM information_schema.tables
                                 WHERE table_catalog = 'wh' AND table_schema = 'main' AND table_type = 'BASE TABLE')
            ORDER BY table_name
            """).Where(t => !Kept.Contains(t) && t != "fact_snapshot").ToList();
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        if (removed.Count == 0) return new PruneResult(removed, kept, rows);
        using (var tx = c.BeginTransaction())
        {
            foreach (var table in tables)
                rows[table] = c.Execute($"DELETE FROM \"{table}\" WHERE snapshot_id IN $ids", new { ids = removed.ToArray() }, tx);
            // The facts (stored once, FactHistory) and fact_snapshot last: every other table names a snapshot it holds.
            foreach (var id in removed)
                foreach (var (table, n) in FactHistory.Delete(c, tx, id))
                    rows[table] = rows.GetValueOrDefault(table) + n;
            rows["fact_snapshot"] = removed.Count;
            tx.Commit();
        }
        c.Execute("CHECKPOINT");
        return new PruneResult(removed, kept, rows);
    }
}
