using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Apache.Arrow.Ipc;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Warehouse.Loading;

public enum LoadOutcome { Loaded, Replaced, AlreadyLoaded }

public sealed record LoadResult(string SnapshotId, LoadOutcome Outcome, long Persons, long Encounters, long Labs, long Medications,
    double Seconds, IReadOnlyDictionary<string, double> StageSeconds);

/// <summary>Called inside the load transaction after the facts are in (e.g. KPI marts), on the staging connection.</summary>
public delegate void AfterLoadStep(DuckDBConnection connection, Manifest manifest);

/// <summary>
/// Loads hssk-snapshot/1 folders: validate manifest, checksums, schema, keys and codes; stage each Arrow file
/// in memory through the Arrow C stream; then write every fact of the snapshot in one transaction. A snapshot
/// that fails leaves the warehouse exactly as it was.
/// </summary>
public sealed class SnapshotLoader(WarehouseDb db, Pseudonymiser pseudonymiser, IEnumerable<AfterLoadStep>? afterLoad = null)
{
    static readonly System.Globalization.CultureInfo Vi = System.Globalization.CultureInfo.GetCultureInfo("vi-VN");

    /// <summary>Unknown ward codes above this share reject the snapshot (a probable code-system error); below it
    /// they are loaded and flagged as data quality.</summary>
    public double UnknownWardTolerance { get; init; } = 0.02;

    /// <summary>Rows a snapshot repeats from the province's previous one are stored once (<see cref="FactHistory"/>).
    /// False stores every snapshot's full copy, as before: the baseline of the history benchmark and the test that
    /// both ways give the same figures.</summary>
    public bool ShareHistory { get; init; } = true;

    /// <summary>Arrow bytes above which a snapshot is staged in a scratch database file beside the warehouse
    /// (compressed as written) rather than in memory; null = half of <see cref="WarehouseDb.MemoryBudgetBytes"/>.</summary>
    public long? StageOnDiskAbove { get; init; }

    /// <summary>Loads several folders in order of as_of; progress fractions count each snapshot as an equal share.</summary>
    public IReadOnlyList<LoadResult> LoadAll(IEnumerable<string> folders, bool replace, IProgress<ProgressUpdate>? progress = null)
    {
        var ordered = folders.Select(f => (Folder: f, Manifest: Manifest.Read(f)))
            .OrderBy(x => x.Manifest.AsOf).ThenBy(x => x.Manifest.SnapshotId, StringComparer.Ordinal).ToList();
        return ordered.Select((x, i) => Load(x.Folder, replace, ProgressUpdate.Part(progress, i, ordered.Count))).ToList();
    }

    public IReadOnlyList<LoadResult> LoadAll(IEnumerable<string> folders, bool replace, IProgress<string> progress) =>
        LoadAll(folders, replace, ProgressUpdate.TextOnly(progress));

    public LoadResult Load(string folder, bool replace, IProgress<string> progress) => Load(folder, replace, ProgressUpdate.TextOnly(progress));

    public LoadResult Load(string folder, bool replace = false, IProgress<ProgressUpdate>? progress = null)
    {
        var gate = db.Writer;
        if (!gate.Wait(0))
            throw new SnapshotRejectedException(Manifest.FileName, null, null,
                "một lần nạp khác đang chạy trên kho dữ liệu này; hãy đợi nó xong rồi thử lại.",
                "another load is running on this warehouse") { Conflict = true };
        try
        {
            return LoadLocked(folder, replace, progress);
        }
        catch (DuckDBException e) when (DiskFull(e))
        {
            // The transaction did not commit (DuckDB rolls it back; a failed checkpoint invalidates the instance, so
            // the process must reopen the file): the warehouse on disk is as it was before this load.
            throw new SnapshotRejectedException(Manifest.FileName, null, null,
                $"đĩa chứa kho dữ liệu {db.Path} đã đầy (không còn chỗ ghi); ảnh chụp chưa được nạp và kho giữ nguyên như trước lần nạp này. " +
                "Giải phóng chỗ trống hoặc chuyển kho sang đĩa lớn hơn rồi nạp lại.", e.Message, e) { Conflict = true };
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A write refused by the file system: no space left, or the file-size limit of the process.</summary>
    public static bool DiskFull(Exception e) =>
        e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("File too large", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase);

    LoadResult LoadLocked(string folder, bool replace, IProgress<ProgressUpdate>? progress)
    {
        var total = Stopwatch.StartNew();
        var stages = new Dictionary<string, double>();
        var manifest = Manifest.Read(folder);
        // Fractions within the snapshot: a step per staged file, one for the write.
        var steps = SnapshotContract.Files.Count + 2.0;
        var step = 0;
        void Report(string text) => progress?.Report(new ProgressUpdate(text, step++ / steps));
        Report($"Ảnh chụp {manifest.SnapshotId} (ngày {manifest.AsOf:dd/MM/yyyy}, hệ mã {manifest.AdminCodes}): kiểm tra tệp…");

        using var conn = db.OpenStaging();
        CheckKey(conn);
        var existing = conn.QuerySingleOrDefault<string>("SELECT checksums FROM wh.main.fact_snapshot WHERE snapshot_id = $sid",
            new { sid = manifest.SnapshotId });
        var sw = Stopwatch.StartNew();
        VerifyChecksums(folder, manifest);
        stages["checksums"] = sw.Elapsed.TotalSeconds;
        if (existing == manifest.Checksums)
        {
            // Same files: a reload is a no-op only if the manifest also says what was loaded (a manifest with a wrong
            // row count, date or province is refused, not reported as unchanged).
            SameManifest(conn, manifest);
            return new LoadResult(manifest.SnapshotId, LoadOutcome.AlreadyLoaded, 0, 0, 0, 0, total.Elapsed.TotalSeconds, stages);
        }
        if (existing is not null && !replace)
            throw new SnapshotRejectedException(Manifest.FileName, "khoá snapshot_id", null,
                $"ảnh chụp '{manifest.SnapshotId}' đã được nạp với nội dung khác; dùng --replace nếu muốn thay thế.",
                "same snapshot_id with different checksums; use --replace") { Conflict = true };
        CheckProvince(conn, manifest);

        // A snapshot whose files are larger than half the memory budget is staged in a scratch database file
        // beside the warehouse (compressed as it is written) rather than in memory, where it would spill uncompressed.
        var arrowBytes = manifest.Files.Sum(f => new FileInfo(Path.Combine(folder, f.Name)).Length);
        var scratch = arrowBytes > (StageOnDiskAbove ?? db.MemoryBudgetBytes / 2) ? db.Path + ".staging" : null;
        if (scratch is not null)
        {
            foreach (var f in new[] { scratch, scratch + ".wal" }) File.Delete(f);
            conn.Execute($"ATTACH '{scratch.Replace("'", "''")}' AS stage; SET search_path = 'memory.main,stage.main'");
        }
        var catalog = scratch is null ? "memory" : "stage";
        var counts = new Dictionary<string, long>();
        try
        {
            foreach (var file in SnapshotContract.Files)
            {
                sw.Restart();
                Report(string.Create(Vi, $"  đọc {file.Name} ({manifest.File(file.Name).Rows:N0} dòng)…"));
                counts[file.Name] = Stage(conn, catalog, folder, file, manifest);
                stages["stage " + file.Name] = sw.Elapsed.TotalSeconds;
            }
            sw.Restart();
            Validate(conn, manifest);
            stages["validate"] = sw.Elapsed.TotalSeconds;

            Report("  ghi vào kho (một giao dịch)…");
            Commit(conn, manifest, existing is not null, counts, total, stages);
        }
        finally
        {
            conn.Execute("DROP TABLE IF EXISTS memory.main.stage_persons; DROP TABLE IF EXISTS memory.main.stage_encounters; " +
                         "DROP TABLE IF EXISTS memory.main.stage_labs; DROP TABLE IF EXISTS memory.main.stage_medications; DROP TABLE IF EXISTS known_ward;");
            if (scratch is not null)
            {
                conn.Execute("SET search_path = 'memory.main'; DETACH stage");
                foreach (var f in new[] { scratch, scratch + ".wal" }) File.Delete(f);
            }
        }
        var result = new LoadResult(manifest.SnapshotId, existing is null ? LoadOutcome.Loaded : LoadOutcome.Replaced,
            counts[SnapshotContract.Persons.Name], counts[SnapshotContract.Encounters.Name],
            counts[SnapshotContract.Labs.Name], counts[SnapshotContract.Medications.Name], total.Elapsed.TotalSeconds, stages);
        progress?.Report(new ProgressUpdate(string.Create(Vi, $"  xong ảnh chụp {manifest.SnapshotId} trong {result.Seconds:N1} giây."), 1));
        return result;
    }

    /// <summary>Throws unless the manifest's province, date, code system and row counts equal those of the snapshot
    /// already loaded with the same files.</summary>
    static void SameManifest(DuckDBConnection conn, Manifest manifest)
    {
        var stored = conn.QuerySingle<(string Province, DateTime AsOf, string CodeSystem, long Persons, long Encounters, long Labs, long Medications)>("""
            SELECT province_code, as_of::TIMESTAMP, code_system, persons, encounters, labs, medications
            FROM wh.main.fact_snapshot WHERE snapshot_id = $sid
            """, new { sid = manifest.SnapshotId });
        void Check(string field, object manifestValue, object storedValue)
        {
            if (Equals(manifestValue, storedValue)) return;
            throw new SnapshotRejectedException(Manifest.FileName, field, null,
                string.Create(Vi, $"các tệp trùng với ảnh chụp '{manifest.SnapshotId}' đã nạp nhưng manifest ghi {field} = {manifestValue}, trong khi số liệu đã nạp là {storedValue}; sửa manifest."),
                $"files equal a loaded snapshot but the manifest's {field} is {manifestValue}, loaded {storedValue}");
        }
        Check("province_code", manifest.ProvinceCode, stored.Province);
        Check("as_of", manifest.AsOf, DateOnly.FromDateTime(stored.AsOf));
        Check("admin_codes", manifest.AdminCodes, stored.CodeSystem);
        Check($"files.{SnapshotContract.Persons.Name}.rows", manifest.File(SnapshotContract.Persons.Name).Rows, stored.Persons);
        Check($"files.{SnapshotContract.Encounters.Name}.rows", manifest.File(SnapshotContract.Encounters.Name).Rows, stored.Encounters);
        Check($"files.{SnapshotContract.Labs.Name}.rows", manifest.File(SnapshotContract.Labs.Name).Rows, stored.Labs);
        Check($"files.{SnapshotContract.Medications.Name}.rows", manifest.File(SnapshotContract.Medications.Name).Rows, stored.Medications);
    }

    void CheckKey(DuckDBConnection conn)
    {
        var stored = conn.QuerySingleOrDefault<string>("SELECT value FROM wh.main.wh_meta WHERE key = 'pseudonym_key_fingerprint'");
        if (stored is not null && stored != pseudonymiser.Fingerprint)
            throw new SnapshotRejectedException(Manifest.FileName, null, null,
                "khoá bí danh hoá khác với khoá đã dùng cho kho này; mã định danh sẽ không khớp giữa các ảnh chụp.",
                "pseudonymisation key differs from the one this warehouse was loaded with");
    }

    static void VerifyChecksums(string folder, Manifest manifest)
    {
        foreach (var f in manifest.Files)
            if (!File.Exists(Path.Combine(folder, f.Name)))
                throw new SnapshotRejectedException(f.Name, null, null, "tệp được khai báo trong manifest nhưng không có trong thư mục.",
                    $"{Path.Combine(folder, f.Name)} not found");
        var actual = new ConcurrentDictionary<string, string>();
        Parallel.ForEach(manifest.Files, f =>
        {
            using var s = File.OpenRead(Path.Combine(folder, f.Name));
            actual[f.Name] = Convert.ToHexStringLower(SHA256.HashData(s));
        });
        foreach (var f in manifest.Files)
            if (actual[f.Name] != f.Sha256)
                throw new SnapshotRejectedException(f.Name, null, null,
                    "mã băm SHA-256 của tệp không khớp với manifest (tệp bị hỏng hoặc bị sửa sau khi xuất).",
                    $"sha256 mismatch: manifest {f.Sha256}, file {actual[f.Name]}");
    }

    static void CheckProvince(DuckDBConnection conn, Manifest m)
    {
        var known = conn.ExecuteScalar<long>(
            "SELECT count(*) FROM wh.main.dim_admin_unit WHERE code_system = $cs AND level = 'province' AND code = $p",
            new { cs = m.AdminCodes, p = m.ProvinceCode });
        if (known == 0)
            throw new SnapshotRejectedException(Manifest.FileName, "khoá province_code", null,
                $"không có tỉnh mã '{m.ProvinceCode}' trong hệ mã {m.AdminCodes}.", $"unknown province {m.ProvinceCode} in code system {m.AdminCodes}");
    }

    /// <summary>Stages one file into <paramref name="catalog"/>: "memory" (the in-memory catalog) or "stage" (the scratch file).</summary>
    long Stage(DuckDBConnection conn, string catalog, string folder, ContractFile file, Manifest manifest)
    {
        var path = Path.Combine(folder, file.Name);
        ArrowFileReader reader;
        try
        {
            reader = new ArrowFileReader(File.OpenRead(path));
            SnapshotContract.CheckSchema(file, reader.Schema);
        }
        catch (SnapshotRejectedException) { throw; }
        catch (Exception e) when (ArrowBatchCheck.IsCorruptFile(e))
        {
            throw new SnapshotRejectedException(file.Name, null, null,
                "không đọc được tệp Arrow (tệp bị cắt cụt hoặc không đúng định dạng Arrow IPC file).", e.Message, e);
        }
        using var stream = new NumberedStream(reader, file, file == SnapshotContract.Persons ? pseudonymiser : null);
        try
        {
            ArrowScan.Run(conn, stream, "src_" + file.StageTable, $"CREATE OR REPLACE TABLE {catalog}.main.{file.StageTable} AS SELECT * FROM src_{file.StageTable}");
        }
        catch (Exception e) when (stream.Failure is not null && e is DuckDBException or InvalidOperationException)
        {
            throw stream.Failure;
        }
        catch (DuckDBException e)
        {
            throw new SnapshotRejectedException(file.Name, null, stream.Rows + 1,
                "không đọc được dữ liệu của tệp Arrow (tệp bị cắt cụt hoặc hỏng).", e.Message, e);
        }
        var rows = conn.ExecuteScalar<long>($"SELECT count(*) FROM {file.StageTable}");
        var declared = manifest.File(file.Name).Rows;
        if (rows != declared)
            throw new SnapshotRejectedException(file.Name, null, null,
                string.Create(Vi, $"số dòng thực tế {rows:N0} khác số dòng khai báo trong manifest {declared:N0}."), $"row count {rows} != manifest rows {declared}");
        CheckNulls(conn, file);
        return rows;
    }

    static void CheckNulls(DuckDBConnection conn, ContractFile file)
    {
        var required = file.Columns.Where(c => !c.Nullable).ToList();
        var select = string.Join(", ", required.Select(c => $"min(_row) FILTER (WHERE \"{c.Name}\" IS NULL)"));
        var row = (IDictionary<string, object?>)conn.QuerySingle($"SELECT {select} FROM {file.StageTable}");
        var values = row.Values.ToList();
        for (var i = 0; i < required.Count; i++)
            if (values[i] is not null)
                throw new SnapshotRejectedException(file.Name, required[i].Name, Convert.ToInt64(values[i]),
                    "giá trị trống trong cột bắt buộc.", $"null in non-nullable column {required[i].Name}");
    }

    void Validate(DuckDBConnection conn, Manifest m)
    {
        var persons = SnapshotContract.Persons.Name;
        if (conn.ExecuteScalar<long>("SELECT count(*) FROM stage_persons") == 0)
            throw new SnapshotRejectedException(persons, null, null, "ảnh chụp trống: không có hồ sơ nào.", "empty snapshot: persons.arrow has no rows");

        // An age must fit the warehouse's SMALLINT: a birth date or year tens of thousands of years from the snapshot's
        // date is a damaged file, not an implausible birth to flag (fuzz case 8762: the cast failed inside the commit).
        var far = conn.QueryFirstOrDefault<(long Row, string Column, string Value)?>("""
            SELECT _row, CASE WHEN birth_date IS NOT NULL THEN 'birth_date' ELSE 'birth_year' END,
                   CASE WHEN birth_date IS NOT NULL THEN strftime(birth_date, '%Y-%m-%d') ELSE CAST(birth_year AS VARCHAR) END
            FROM stage_persons
            WHERE abs(year($asof::DATE) - coalesce(year(birth_date), birth_year)) > 30000
            ORDER BY _row LIMIT 1
            """, new { asof = m.AsOf.ToDateTime(TimeOnly.MinValue) });
        if (far is { } f)
            throw new SnapshotRejectedException(persons, f.Column, f.Row,
                $"ngày/năm sinh '{f.Value}' cách ngày ảnh chụp hơn 30.000 năm: không phải một ngày sinh (tệp hỏng?).",
                $"{f.Column} {f.Value} is more than 30000 years from as_of");

        foreach (var file in new[] { SnapshotContract.Persons, SnapshotContract.Encounters })
        {
            var dup = conn.QueryFirstOrDefault<(string Key, long First, long Row)?>($"""
                SELECT {file.KeyColumn}, min(_row), max(_row) FROM {file.StageTable}
                GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 LIMIT 1
                """);
            if (dup is { } d)
                throw new SnapshotRejectedException(file.Name, file.KeyColumn, d.Row,
                    $"mã '{d.Key}' bị trùng (đã xuất hiện ở dòng {d.First}).", $"duplicate {file.KeyColumn} '{d.Key}', first at row {d.First}");
        }

        foreach (var file in new[] { SnapshotContract.Encounters, SnapshotContract.Labs, SnapshotContract.Medications })
        {
            var orphan = conn.QueryFirstOrDefault<(string Record, long Row)?>($"""
                SELECT s.record_id, s._row FROM {file.StageTable} s ANTI JOIN stage_persons p USING (record_id) ORDER BY s._row LIMIT 1
                """);
            if (orphan is { } o)
                throw new SnapshotRejectedException(file.Name, "record_id", o.Row,
                    $"mã hồ sơ '{o.Record}' không có trong persons.arrow.", $"orphan row: record_id {o.Record} not in persons.arrow");
        }
        foreach (var file in new[] { SnapshotContract.Labs, SnapshotContract.Medications })
        {
            var orphan = conn.QueryFirstOrDefault<(string Encounter, long Row)?>($"""
                SELECT s.encounter_id, s._row FROM {file.StageTable} s ANTI JOIN stage_encounters e USING (encounter_id) ORDER BY s._row LIMIT 1
                """);
            if (orphan is { } o)
                throw new SnapshotRejectedException(file.Name, "encounter_id", o.Row,
                    $"lượt khám '{o.Encounter}' không có trong encounters.arrow.", $"orphan row: encounter_id {o.Encounter} not in encounters.arrow");
        }

        var malformed = conn.QueryFirstOrDefault<(string Code, long Row)?>(
            "SELECT ward_code, _row FROM stage_persons WHERE NOT regexp_full_match(ward_code, '[0-9]{5}') ORDER BY _row LIMIT 1");
        if (malformed is { } bad)
            throw new SnapshotRejectedException(persons, "ward_code", bad.Row,
                $"mã xã '{bad.Code}' phải gồm 5 chữ số.", $"ward_code '{bad.Code}' is not 5 digits");

        conn.Execute(LoadSql.KnownWards, new { cs = m.AdminCodes, asof = m.AsOf.ToDateTime(TimeOnly.MinValue) });
        var unknown = conn.QuerySingle<(long Unknown, long Total, string? First, long? Row, long OtherSystem)>("""
            SELECT count(*) FILTER (WHERE k.code IS NULL), count(*),
                   arg_min(p.ward_code, p._row) FILTER (WHERE k.code IS NULL), min(p._row) FILTER (WHERE k.code IS NULL),
                   count(*) FILTER (WHERE k.code IS NULL AND p.ward_code IN
                       (SELECT code FROM wh.main.dim_admin_unit WHERE code_system <> $cs AND level = 'commune'))
            FROM stage_persons p LEFT JOIN known_ward k ON k.code = p.ward_code
            """, new { cs = m.AdminCodes });
        if (unknown.Unknown > UnknownWardTolerance * unknown.Total)
        {
            var share = 100.0 * unknown.Unknown / unknown.Total;
            var other = m.AdminCodes == ReferenceData.System2025 ? ReferenceData.SystemLegacy : ReferenceData.System2025;
            var hint = unknown.OtherSystem * 2 > unknown.Unknown
                ? $" Phần lớn các mã này thuộc hệ mã {other}: manifest có thể khai sai admin_codes."
                : "";
            throw new SnapshotRejectedException(persons, "ward_code", unknown.Row,
                $"mã xã '{unknown.First}' không có trong hệ mã {m.AdminCodes}; {share:0.##}% hồ sơ có mã xã không xác định (ngưỡng {UnknownWardTolerance:P0}).{hint}",
                $"{unknown.Unknown} of {unknown.Total} ward codes unknown in code system {m.AdminCodes} (tolerance {UnknownWardTolerance:P0}); {unknown.OtherSystem} belong to the {other} system");
        }
    }

    void Commit(DuckDBConnection conn, Manifest m, bool replacing, Dictionary<string, long> counts, Stopwatch total,
        Dictionary<string, double> stages)
    {
        var args = new { sid = m.SnapshotId, asof = m.AsOf.ToDateTime(TimeOnly.MinValue), cs = m.AdminCodes };
        var sw = Stopwatch.StartNew();
        void Timed(string stage, Action action)
        {
            sw.Restart();
            action();
            stages[stage] = sw.Elapsed.TotalSeconds;
        }
        using var tx = conn.BeginTransaction();
        if (replacing) Timed("commit delete old", () => FactHistory.Delete(conn, tx, m.SnapshotId));
        // A new seq after every snapshot loaded; the rows are compared with the province's latest snapshot.
        var seq = FactHistory.NextSeq(conn, tx);
        var previous = FactHistory.LatestSeq(conn, m.ProvinceCode, tx);
        void Store(string stage, string table, string select, FactHistory.Verbatim? distinct = null) =>
            Timed(stage, () => FactHistory.Append(conn, tx, table, select, args, m.ProvinceCode, seq, previous, ShareHistory, distinct));
        Store("commit records", "fact_record", LoadSql.Records);
        Store("commit keys", "record_key", LoadSql.Keys);
        Store("commit identities", "person_identity", LoadSql.Identities);
        Store("commit encounters", "fact_encounter", LoadSql.Encounters);
        Store("commit labs", "fact_lab", LoadSql.Labs, LoadSql.LabsVerbatim);
        Store("commit medications", "fact_medication", LoadSql.Medications, LoadSql.MedicationsVerbatim);
        conn.Execute(LoadSql.Facilities, args, tx);
        conn.Execute("INSERT OR IGNORE INTO wh.main.wh_meta VALUES ('pseudonym_key_fingerprint', $fp)", new { fp = pseudonymiser.Fingerprint }, tx);
        conn.Execute("""
            INSERT INTO wh.main.fact_snapshot VALUES ($sid, $province, $asof, $cs, $source, $checksums, $persons, $encounters, $labs, $medications, now()::TIMESTAMP, $seconds, $seq)
            """, new
        {
            args.sid, seq, province = m.ProvinceCode, args.asof, args.cs, source = m.Source, checksums = m.Checksums,
            persons = counts[SnapshotContract.Persons.Name], encounters = counts[SnapshotContract.Encounters.Name],
            labs = counts[SnapshotContract.Labs.Name], medications = counts[SnapshotContract.Medications.Name],
            seconds = total.Elapsed.TotalSeconds,
        }, tx);
        foreach (var step in afterLoad ?? []) Timed("after-load " + step.Method.DeclaringType?.Name, () => step(conn, m));
        Timed("commit", tx.Commit);
    }
}
