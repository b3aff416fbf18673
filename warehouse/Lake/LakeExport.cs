using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Backup;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Warehouse.Lake;

/// <summary>One Parquet file of a lake, as its manifest lists it (path relative to the lake's folder).</summary>
public sealed record LakeFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>One table of a lake: its kind, the hive partition keys of its folders, its files and total rows.</summary>
public sealed record LakeTable(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("partitioned_by")] IReadOnlyList<string> PartitionedBy,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("files")] IReadOnlyList<LakeFile> Files);

/// <summary>A snapshot of the lake (from fact_snapshot).</summary>
public sealed record LakeSnapshot(
    [property: JsonPropertyName("snapshot_id")] string SnapshotId,
    [property: JsonPropertyName("province_code")] string ProvinceCode,
    [property: JsonPropertyName("as_of")] DateOnly AsOf,
    [property: JsonPropertyName("code_system")] string CodeSystem);

/// <summary>The manifest of a lake (<c>lake.json</c>), written last: a folder without it is an unfinished export.</summary>
public sealed record LakeManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("provinces")] IReadOnlyList<string> Provinces,
    [property: JsonPropertyName("snapshots")] IReadOnlyList<LakeSnapshot> Snapshots,
    [property: JsonPropertyName("tables")] IReadOnlyList<LakeTable> Tables);

/// <summary>An export or a lake check refused: one Vietnamese message naming the folder or file and what to do.</summary>
public sealed class LakeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// <c>export-lake</c> (issue 15 §4): the warehouse as hive-partitioned Parquet, <c>&lt;table&gt;/province=&lt;code&gt;/snapshot=&lt;id&gt;/*.parquet</c>,
/// the layout Spark, Trino (Hive connector), ClickHouse and DuckDB read as it is. Facts are the pseudonymised ones
/// (HMAC keys, no names or phones: <c>person_identity</c> is never exported), marts every snapshot-keyed table the
/// models compute (with the models' record of which snapshots are computed, so a national warehouse does not recompute
/// them from facts it does not hold), reference the dimensions (units, the reform bridge, facilities, ICD groups, drug classes) and the population denominators. Users, audit,
/// mail and model blobs stay home. Everything is read in one transaction while the warehouse's load slot is held, so
/// the lake is one consistent state; every file is listed with its row count, size and SHA-256 in <c>lake.json</c>.
/// </summary>
public static class LakeExport
{
    public const string Format = "hssk-lake/1";
    public const string ManifestName = "lake.json";

    /// <summary>Snapshot-keyed tables exported under <c>province=/snapshot=/</c>, with their kind.</summary>
    public static readonly IReadOnlyList<(string Table, string Kind)> SnapshotTables =
    [
        ("fact_record", "fact"), ("record_key", "fact"), ("fact_encounter", "fact"), ("fact_lab", "fact"), ("fact_medication", "fact"),
        ("fact_unrecorded_visitor", "fact"),
        ("mart_unit_kpi", "mart"), ("mart_unit_agesex", "mart"), ("mart_bridged_kpi", "mart"),
        ("mart_unit_denominator", "mart"), ("mart_bridged_denominator", "mart"),
        ("ncd_person", "mart"), ("ncd_cell", "mart"), ("ncd_prog_month", "mart"), ("ncd_prog_cohort", "mart"),
        ("ncd_risk_score", "mart"),
        ("ncd_done", "bookkeeping"), ("ncd_prog_done", "bookkeeping"),
    ];

    /// <summary>Tables exported whole (no snapshot key): the snapshot list per province, and reference data.</summary>
    public static readonly IReadOnlyList<(string Table, string Kind, string[] PartitionedBy)> OtherTables =
    [
        ("fact_snapshot", "fact", ["province"]),
        ("dim_admin_unit", "reference", []), ("dim_unit_bridge", "reference", []), ("dim_facility", "reference", []),
        ("dim_icd_group", "reference", []), ("dim_drug_class", "reference", []), ("fact_population", "reference", []),
    ];

    /// <summary>Tables that are never exported (names, phones, credentials, audit, mail, model blobs, bookkeeping).</summary>
    public static readonly IReadOnlySet<string> NeverExported = new HashSet<string>(StringComparer.Ordinal)
    {
        "person_identity", "web_user", "ncd_audit", "mail_subscription", "mail_send", "ncd_model", "wh_meta",
    };

    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Exports the open warehouse into <paramref name="folder"/> (a new or empty folder).</summary>
    /// <exception cref="LakeException">The folder is not empty, a load is running, or writing failed (disk full…);
    /// then nothing is left in the folder.</exception>
    public static LakeManifest Export(WarehouseDb db, string folder, TimeProvider? clock = null)
    {
        folder = System.IO.Path.GetFullPath(folder);
        if (System.IO.File.Exists(folder)) throw new LakeException($"Tham số --out: {folder} là một tệp; cần một thư mục mới hoặc trống.");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new LakeException($"Tham số --out: thư mục {folder} không trống; chọn một thư mục mới hoặc trống cho kho Parquet.");
        var parent = System.IO.Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        var partial = System.IO.Path.Combine(parent, "." + System.IO.Path.GetFileName(folder) + ".partial-" + Guid.NewGuid().ToString("N")[..8]);
        if (!db.Writer.Wait(TimeSpan.Zero))
            throw new LakeException($"Một lần nạp đang chạy trên kho {db.Path}; hãy xuất lại khi nó xong.");
        try
        {
            Directory.CreateDirectory(partial);
            List<LakeSnapshot> snapshots;
            var tables = new List<LakeTable>();
            using (var c = db.Open())
            {
                c.Execute("BEGIN TRANSACTION");
                try
                {
                    snapshots = c.Query<(string Id, string Province, string AsOf, string CodeSystem)>(
                            "SELECT snapshot_id, province_code, strftime(as_of, '%Y-%m-%d'), code_system FROM fact_snapshot ORDER BY province_code, as_of, snapshot_id")
                        .Select(s => new LakeSnapshot(s.Id, s.Province, DateOnly.ParseExact(s.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture), s.CodeSystem)).ToList();
                    foreach (var (table, kind) in SnapshotTables)
                    {
                        var select = $"SELECT s.province_code AS province, t.snapshot_id AS snapshot, t.* FROM {table} t JOIN fact_snapshot s USING (snapshot_id)";
                        tables.Add(Write(c, partial, table, kind, select, ["province", "snapshot"]));
                    }
                    foreach (var (table, kind, keys) in OtherTables)
                    {
                        var select = keys.Length == 0 ? $"SELECT * FROM {table}" : $"SELECT province_code AS province, * FROM {table}";
                        tables.Add(Write(c, partial, table, kind, select, keys));
                    }
                }
                finally { c.Execute("ROLLBACK"); }
            }
            var manifest = new LakeManifest(Format, db.Path, (clock ?? TimeProvider.System).GetUtcNow(),
                snapshots.Select(s => s.ProvinceCode).Distinct().Order(StringComparer.Ordinal).ToList(), snapshots, tables);
            System.IO.File.WriteAllText(System.IO.Path.Combine(partial, ManifestName), JsonSerializer.Serialize(manifest, Json));
            if (Directory.Exists(folder)) Directory.Delete(folder);
            Directory.Move(partial, folder);
            return manifest;
        }
        catch (Exception e) when (e is DuckDBException or IOException)
        {
            var reason = SnapshotLoader.DiskFull(e) ? "đĩa đã đầy (không còn chỗ ghi)." : e.Message;
            throw new LakeException($"Không xuất được kho {db.Path} thành Parquet vào {folder}: {reason} Không có gì được ghi vào thư mục đó; kho dữ liệu không bị thay đổi.", e);
        }
        finally
        {
            if (Directory.Exists(partial)) try { Directory.Delete(partial, recursive: true); } catch (IOException) { }
            db.Writer.Release();
        }
    }

    /// <summary>Exports a warehouse file no process holds (opens it, exports, closes).</summary>
    /// <exception cref="WarehouseBusyException">A process (a server) holds the file.</exception>
    public static LakeManifest ExportFile(string warehouse, string folder)
    {
        if (!System.IO.File.Exists(warehouse)) throw new LakeException($"Tham số --db: không có tệp kho dữ liệu {warehouse}.");
        using var db = new WarehouseDb(warehouse);
        return Export(db, folder);
    }

    static LakeTable Write(DuckDBConnection c, string root, string table, string kind, string select, string[] keys)
    {
        var target = System.IO.Path.Combine(root, table);
        var options = keys.Length == 0 ? "FORMAT parquet, COMPRESSION zstd"
            : $"FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({string.Join(", ", keys)}), FILENAME_PATTERN 'part_{{i}}'";
        if (keys.Length == 0)
        {
            Directory.CreateDirectory(target);
            c.Execute($"COPY ({select}) TO '{Quote(System.IO.Path.Combine(target, "part_0.parquet"))}' ({options})");
        }
        else
            c.Execute($"COPY ({select}) TO '{Quote(target)}' ({options})");
        // An empty table still gets its folder and one file (without the partition keys), so readers find its columns.
        var empty = !Directory.Exists(target) || !Directory.EnumerateFiles(target, "*.parquet", SearchOption.AllDirectories).Any();
        if (empty)
        {
            Directory.CreateDirectory(target);
            c.Execute($"COPY (SELECT * EXCLUDE ({string.Join(", ", keys)}) FROM ({select})) TO '{Quote(System.IO.Path.Combine(target, "part_0.parquet"))}' (FORMAT parquet, COMPRESSION zstd)");
        }
        var files = Directory.EnumerateFiles(target, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new LakeFile(System.IO.Path.GetRelativePath(root, f).Replace('\\', '/'),
                c.ExecuteScalar<long>($"SELECT count(*) FROM read_parquet('{Quote(f)}')"), new FileInfo(f).Length, WarehouseBackup.Sha256(f)))
            .ToList();
        return new LakeTable(table, kind, keys.Length == 0 || empty ? [] : keys, files.Sum(f => f.Rows), files);
    }

    /// <summary>Reads and checks a lake folder: manifest format, then every file's size and SHA-256.</summary>
    /// <exception cref="LakeException">The manifest is missing or broken, or a file is missing or differs, naming it.</exception>
    public static LakeManifest Verify(string folder)
    {
        folder = System.IO.Path.GetFullPath(folder);
        var path = System.IO.Path.Combine(folder, ManifestName);
        if (!System.IO.File.Exists(path))
            throw new LakeException($"Thư mục {folder} không phải kho Parquet đã xuất xong: thiếu tệp {ManifestName}.");
        LakeManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<LakeManifest>(System.IO.File.ReadAllBytes(path), Json); }
        catch (JsonException e) { throw new LakeException($"Tệp {path} hỏng: không đọc được JSON ({e.Message}).", e); }
        if (manifest is null || manifest.Format != Format || manifest.Tables is null || manifest.Snapshots is null || manifest.Provinces is null)
            throw new LakeException($"Tệp {path}: không phải manifest {Format} (trường format, provinces, snapshots, tables).");
        foreach (var t in manifest.Tables)
            foreach (var f in t.Files)
            {
                var file = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, f.Path));
                if (!file.StartsWith(folder + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new LakeException($"Tệp {path}: bảng {t.Name} ghi đường dẫn {f.Path} nằm ngoài thư mục kho Parquet.");
                if (!System.IO.File.Exists(file)) throw new LakeException($"Kho Parquet {folder} thiếu tệp {f.Path} (bảng {t.Name}).");
                var bytes = new FileInfo(file).Length;
                if (bytes != f.Bytes)
                    throw new LakeException(string.Create(Vi, $"Tệp {f.Path} có {bytes:N0} byte, {ManifestName} ghi {f.Bytes:N0} byte: tệp bị cắt cụt hoặc bị sửa."));
                if (WarehouseBackup.Sha256(file) != f.Sha256)
                    throw new LakeException($"Tệp {f.Path}: mã băm SHA-256 không khớp với {ManifestName} (tệp bị hỏng hoặc bị sửa sau khi xuất).");
            }
        return manifest;
    }

    static string Quote(string s) => s.Replace("'", "''");

}
