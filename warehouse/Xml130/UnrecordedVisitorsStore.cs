using System.Security.Cryptography;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>People without a health record seen at facilities, for the communes of a unit (the snapshot's code system).</summary>
public sealed record UnrecordedVisitorsReport(LoadedSnapshot Snapshot, string Code, long People, long Episodes,
    IReadOnlyList<UnrecordedVisitors> Communes);

/// <summary>
/// fact_unrecorded_visitor (Schema/008_xml130.sql): filled from a snapshot's optional <c>unrecorded_visitors.arrow</c>
/// by the after-load step, read per unit by the API.
/// </summary>
public static class UnrecordedVisitorsStore
{
    /// <summary>The <see cref="Loading.AfterLoadStep"/>: replaces the snapshot's rows by those of its file, checked against
    /// the manifest's rows and SHA-256 like the contract files. A snapshot without the file has no rows.</summary>
    public static void AfterLoad(DuckDBConnection connection, Manifest manifest)
    {
        connection.Execute("DELETE FROM wh.main.fact_unrecorded_visitor WHERE snapshot_id = $sid", new { sid = manifest.SnapshotId });
        if (manifest.Folder is null) return;
        var path = Path.Combine(manifest.Folder, SnapshotOutput.VisitorsFile);
        if (!File.Exists(path)) return;
        var declared = Declared(manifest.Folder);
        string sha;
        using (var s = File.OpenRead(path)) sha = Convert.ToHexStringLower(SHA256.HashData(s));
        if (declared is not { } d || d.Sha256 != sha)
            throw new SnapshotRejectedException(SnapshotOutput.VisitorsFile, null, null,
                "tệp không được khai báo trong manifest hoặc mã băm SHA-256 không khớp.", "unrecorded_visitors.arrow missing from the manifest or sha256 mismatch");
        var rows = new List<(string? Ward, long People, long Episodes)>();
        using (var reader = new ArrowFileReader(File.OpenRead(path)))
            while (reader.ReadNextRecordBatch() is { } b)
                using (b)
                {
                    var ward = (StringArray)b.Column("ward_code");
                    var people = (Int32Array)b.Column("people");
                    var episodes = (Int32Array)b.Column("episodes");
                    for (var i = 0; i < b.Length; i++) rows.Add((ward.GetString(i), people.GetValue(i) ?? 0, episodes.GetValue(i) ?? 0));
                }
        if (rows.Count != d.Rows)
            throw new SnapshotRejectedException(SnapshotOutput.VisitorsFile, null, null,
                $"số dòng thực tế {rows.Count} khác số dòng khai báo trong manifest {d.Rows}.", $"row count {rows.Count} != manifest rows {d.Rows}");
        foreach (var (ward, people, episodes) in rows)
            connection.Execute("INSERT INTO wh.main.fact_unrecorded_visitor VALUES ($sid, $ward, $people, $episodes)",
                new { sid = manifest.SnapshotId, ward, people, episodes });
    }

    static (long Rows, string Sha256)? Declared(string folder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, Manifest.FileName)));
        return doc.RootElement.TryGetProperty("files", out var files) && files.TryGetProperty(SnapshotOutput.VisitorsFile, out var f)
            && f.TryGetProperty("rows", out var rows) && f.TryGetProperty("sha256", out var sha)
            ? (rows.GetInt64(), sha.GetString() ?? "") : null;
    }

    const string Sql = """
        SELECT v.ward_code AS WardCode, u.full_name AS WardName, v.people AS People, v.episodes AS Episodes
        FROM fact_unrecorded_visitor v
        LEFT JOIN dim_admin_unit u ON u.code_system = $cs AND u.level = 'commune' AND u.code = v.ward_code
             AND u.valid_from <= $asof AND (u.valid_to IS NULL OR $asof < u.valid_to)
        WHERE v.snapshot_id = $sid
          AND (v.ward_code = $code OR u.province_code = $code OR u.parent_code = $code OR (v.ward_code IS NULL AND $code = $province))
        ORDER BY v.people DESC, v.ward_code
        """;

    /// <summary>The communes of <paramref name="code"/> (a province, legacy district or commune) with their counts.</summary>
    public static UnrecordedVisitorsReport Read(WarehouseDb db, LoadedSnapshot snapshot, string code)
    {
        using var c = db.Open();
        var rows = c.Query<(string? WardCode, string? WardName, long People, long Episodes)>(Sql, new
        {
            sid = snapshot.SnapshotId, cs = snapshot.CodeSystem, asof = snapshot.AsOf.ToDateTime(TimeOnly.MinValue), code,
            province = snapshot.ProvinceCode,
        }).Select(r => new UnrecordedVisitors(r.WardCode, r.WardName, r.People, r.Episodes)).ToList();
        return new UnrecordedVisitorsReport(snapshot, code, rows.Sum(r => r.People), rows.Sum(r => r.Episodes), rows);
    }
}
