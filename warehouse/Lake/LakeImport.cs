using Dapper;
using DuckDB.NET.Data;

namespace HoSoSucKhoe.Warehouse.Lake;

/// <summary>What one lake brought into a national warehouse.</summary>
public sealed record LakeImported(string Lake, IReadOnlyList<string> Provinces, IReadOnlyList<string> Snapshots, long Rows);

/// <summary>
/// <c>import-lake</c> (issue 15 §4): a national warehouse built from the lakes of many provinces. Each lake is checked
/// against its manifest first (every file's size and SHA-256); then, in one transaction, its snapshots replace any of the
/// same id: the snapshot rows and every mart and bookkeeping table but <see cref="NotImported"/> (facts stay in the provinces — the national views
/// read marts only). A failure anywhere rolls everything back: the national warehouse is as it was.
/// </summary>
public static class LakeImport
{
    /// <summary>Marts a national warehouse leaves in the lake: <c>ncd_person</c>, one row per adult (90 % of a lake's
    /// mart rows), which the national views never read — they read the cells.</summary>
    public static readonly IReadOnlySet<string> NotImported = new HashSet<string>(StringComparer.Ordinal) { "ncd_person" };

    /// <exception cref="LakeException">A lake is missing, incomplete or changed, or a load is running.</exception>
    public static IReadOnlyList<LakeImported> Import(WarehouseDb db, IReadOnlyList<string> lakes)
    {
        if (lakes.Count == 0) throw new LakeException("Lệnh import-lake: cần ít nhất một thư mục kho Parquet (đã xuất bằng export-lake).");
        var manifests = lakes.Select(l => (Folder: Path.GetFullPath(l), Manifest: LakeExport.Verify(l))).ToList();
        var duplicate = manifests.SelectMany(m => m.Manifest.Snapshots.Select(s => (s.SnapshotId, m.Folder)))
            .GroupBy(s => s.SnapshotId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new LakeException($"Ảnh chụp {duplicate.Key} có trong nhiều kho Parquet ({string.Join(", ", duplicate.Select(d => d.Folder))}); chỉ nhập mỗi ảnh chụp một lần.");
        if (!db.Writer.Wait(TimeSpan.Zero))
            throw new LakeException($"Một lần nạp đang chạy trên kho {db.Path}; hãy nhập lại khi nó xong.");
        try
        {
            using var c = db.Open();
            c.Execute("BEGIN TRANSACTION");
            var results = new List<LakeImported>();
            try
            {
                foreach (var (folder, manifest) in manifests)
                {
                    var ids = manifest.Snapshots.Select(s => s.SnapshotId).ToList();
                    long rows = 0;
                    foreach (var table in manifest.Tables.Where(t => (t.Kind is "mart" or "bookkeeping" || t.Name == "fact_snapshot") && !NotImported.Contains(t.Name)))
                    {
                        c.Execute($"DELETE FROM {table.Name} WHERE snapshot_id IN $ids", new { ids });
                        if (table.Rows == 0) continue;
                        var files = string.Join(", ", table.Files.Select(f => "'" + Path.Combine(folder, f.Path).Replace("'", "''") + "'"));
                        rows += c.Execute($"INSERT INTO {table.Name} BY NAME SELECT * FROM read_parquet([{files}], hive_partitioning = false)");
                    }
                    results.Add(new LakeImported(folder, manifest.Provinces, ids, rows));
                }
                // The marts came computed: stamp them current, or the next open would rebuild them from facts a
                // national warehouse does not hold (lakes come from the same product version).
                c.Execute("INSERT OR REPLACE INTO wh_meta VALUES ('kpi_marts_version', $v)", new { v = Marts.KpiMarts.Version });
                c.Execute("COMMIT");
            }
            catch (DuckDBException e)
            {
                c.Execute("ROLLBACK");
                throw new LakeException($"Không nhập được kho Parquet vào {db.Path}: {e.Message} Kho quốc gia giữ nguyên như trước.", e);
            }
            return results;
        }
        finally
        {
            db.Writer.Release();
        }
    }
}
