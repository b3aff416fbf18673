using Apache.Arrow.Types;
using Dapper;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Tests.Loading;

/// <summary>The loader against a real DuckDB file with hand-made snapshots: every rejection names file, column and
/// row, and leaves the warehouse exactly as it was.</summary>
public sealed class LoaderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-loader-").FullName;
    readonly WarehouseDb db;
    readonly Pseudonymiser key = new("test-key-0123456789");

    public LoaderTests() => db = new WarehouseDb(Path.Combine(dir, "wh.duckdb"));

    public void Dispose()
    {
        db.Dispose();
        Directory.Delete(dir, true);
    }

    SnapshotLoader Loader() => new(db, key);

    string Folder(string name) => Path.Combine(dir, name);

    /// <summary>Row counts of every fact table and the snapshot list: equal before and after a rejected load.</summary>
    string State()
    {
        using var c = db.Open();
        return c.QuerySingle<string>("""
            SELECT (SELECT count(*) FROM fact_record) || '/' || (SELECT count(*) FROM person_identity) || '/' ||
                   (SELECT count(*) FROM fact_encounter) || '/' || (SELECT count(*) FROM fact_lab) || '/' ||
                   (SELECT count(*) FROM fact_medication) || '/' || (SELECT count(*) FROM dim_facility) || '/' ||
                   coalesce((SELECT string_agg(snapshot_id || ':' || checksums, ',' ORDER BY snapshot_id) FROM fact_snapshot), '')
            """);
    }

    SnapshotRejectedException Rejected(string folder)
    {
        var before = State();
        var e = Assert.Throws<SnapshotRejectedException>(() => Loader().Load(folder));
        Assert.Equal(before, State());
        Assert.StartsWith("Từ chối nạp", e.Message);
        return e;
    }

    [Fact]
    public void ValidSnapshotLoadsEveryRowPseudonymisedWithParsedLabsAndResolvedDrugs()
    {
        var r = Loader().Load(new TinySnapshot().Write(Folder("ok")));
        Assert.Equal(LoadOutcome.Loaded, r.Outcome);
        Assert.Equal((6, 6, 6, 4), (r.Persons, r.Encounters, r.Labs, r.Medications));
        using var c = db.Open();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT count(*) FROM record_key WHERE citizen_key LIKE '0011900%'"));
        Assert.Equal(6, c.ExecuteScalar<long>("SELECT count(DISTINCT citizen_key) FROM record_key"));
        Assert.Equal(6, c.ExecuteScalar<long>("SELECT count(*) FROM person_identity WHERE full_name LIKE 'Nguyễn Văn %'"));
        var labs = c.Query<(string Text, double? Value, string Status)>("SELECT value_text, value_num, parse_status FROM fact_lab ORDER BY encounter_id, test")
            .ToDictionary(l => l.Text);
        Assert.Equal(6.8, labs["6,8"].Value!.Value, 3);
        Assert.Equal(126 / 18.016, labs["126"].Value!.Value, 3);
        Assert.Equal(53 / 10.929 + 2.15, labs["53"].Value!.Value, 3);
        Assert.Equal(("censored", 20.0), (labs[">20"].Status, labs[">20"].Value!.Value));
        Assert.Equal("unparseable", labs["??"].Status);
        Assert.Equal("uninterpreted", labs["âm tính"].Status);
        var drugs = c.Query<(string Name, string? Atc, string Group)>("SELECT drug_name, atc_resolved, drug_group FROM fact_medication").ToDictionary(d => d.Name);
        Assert.Equal(("C08CA01", "antihypertensive"), (drugs["Amlodipin 5mg"].Atc, drugs["Amlodipin 5mg"].Group));
        Assert.Equal("antidiabetic", drugs["Metformin 850mg"].Group);
        Assert.Equal(("C09AA04", "antihypertensive"), (drugs["Coversyl 5mg"].Atc, drugs["Coversyl 5mg"].Group));
        Assert.True(c.ExecuteScalar<bool>("SELECT has_dm_code FROM fact_encounter WHERE encounter_id = 'LK0002'"));
        Assert.True(c.ExecuteScalar<bool>("SELECT has_htn_code FROM fact_encounter WHERE encounter_id = 'LK0001'"));
    }

    [Fact]
    public void SameSnapshotTwiceIsANoOpAndChangedContentNeedsReplace()
    {
        var snapshot = new TinySnapshot();
        var folder = snapshot.Write(Folder("a"));
        Loader().Load(folder);
        var after = State();
        Assert.Equal(LoadOutcome.AlreadyLoaded, Loader().Load(folder).Outcome);
        Assert.Equal(after, State());

        snapshot.Rows["persons.arrow"][0]["full_name"] = "Trần Thị Bình";
        var changed = snapshot.Write(Folder("b"));
        var e = Rejected(changed);
        Assert.Contains("--replace", e.Message);
        Assert.Equal(LoadOutcome.Replaced, Loader().Load(changed, replace: true).Outcome);
        using var c = db.Open();
        Assert.Equal(6, c.ExecuteScalar<long>("SELECT count(*) FROM fact_record"));
        Assert.Equal(1, c.ExecuteScalar<long>("SELECT count(*) FROM person_identity WHERE full_name = 'Trần Thị Bình'"));
    }

    [Fact]
    public void SameFilesWithAnInconsistentManifestAreRefusedNotReportedUnchanged()
    {
        var folder = new TinySnapshot().Write(Folder("m"));
        Loader().Load(folder);
        var after = State();
        var manifest = Path.Combine(folder, "manifest.json");
        var original = File.ReadAllText(manifest);
        var node = System.Text.Json.Nodes.JsonNode.Parse(original)!;
        var rows = node["files"]!["persons.arrow"]!["rows"]!.GetValue<long>();
        node["files"]!["persons.arrow"]!["rows"] = rows + 1;
        File.WriteAllText(manifest, node.ToJsonString());
        var e = Rejected(folder);
        Assert.Equal("manifest.json", e.File);
        Assert.Equal("files.persons.arrow.rows", e.Column);
        Assert.Contains($"{rows + 1}", e.Message);
        Assert.Equal(after, State());

        node["files"]!["persons.arrow"]!["rows"] = rows;
        node["as_of"] = "2025-10-31";
        File.WriteAllText(manifest, node.ToJsonString());
        Assert.Equal("as_of", Rejected(folder).Column);
        Assert.Equal(after, State());

        File.WriteAllText(manifest, original);
        Assert.Equal(LoadOutcome.AlreadyLoaded, Loader().Load(folder).Outcome);
    }

    [Fact]
    public void DataQualityProblemsAreLoadedAndFlaggedNotDropped()
    {
        var s = new TinySnapshot();
        var p = s.Rows["persons.arrow"];
        p[1]["citizen_id"] = p[0]["citizen_id"];              // duplicate citizen id
        p[2]["citizen_id"] = null;                            // adult without id
        p[3]["height_cm"] = 400f;                             // implausible
        p[4]["death_date"] = new DateOnly(2025, 9, 1);        // then visited on 2025-09-15
        s.Rows["encounters.arrow"][0]["systolic"] = (short)20;
        Loader().Load(s.Write(Folder("dq")));
        using var c = db.Open();
        int Flags(string id) => c.ExecuteScalar<int>("SELECT dq_flags FROM fact_record WHERE record_id = $id", new { id });
        Assert.Equal((int)RecordDq.DuplicateCitizenId, Flags("HS0001") & (int)RecordDq.DuplicateCitizenId);
        Assert.Equal((int)RecordDq.DuplicateCitizenId, Flags("HS0002") & (int)RecordDq.DuplicateCitizenId);
        Assert.NotEqual(0, Flags("HS0003") & (int)RecordDq.MissingCitizenIdAdult);
        Assert.NotEqual(0, Flags("HS0004") & (int)RecordDq.ImplausibleHeight);
        Assert.NotEqual(0, Flags("HS0005") & (int)RecordDq.VisitAfterDeath);
        Assert.NotEqual(0, c.ExecuteScalar<int>("SELECT dq_flags FROM fact_encounter WHERE encounter_id = 'LK0001'") & (int)EncounterDq.ImplausibleSystolic);
        Assert.Equal(6, c.ExecuteScalar<long>("SELECT count(*) FROM fact_record"));
    }

    [Fact]
    public void FewUnknownWardCodesAreFlaggedManyAreRejected()
    {
        var s = new TinySnapshot(persons: 60);
        s.Rows["persons.arrow"][10]["ward_code"] = "99990";
        Loader().Load(s.Write(Folder("few")));
        using (var c = db.Open())
            Assert.Equal(1, c.ExecuteScalar<long>($"SELECT count(*) FROM fact_record WHERE dq_flags & {(int)RecordDq.UnknownWard} <> 0"));

        var many = new TinySnapshot(persons: 60) { SnapshotId = "01-2025-10-31", AsOf = "2025-10-31" };
        for (var i = 5; i < 15; i++) many.Rows["persons.arrow"][i]["ward_code"] = "99990";
        var e = Rejected(many.Write(Folder("many")));
        Assert.Equal(("persons.arrow", "ward_code", 6L), (e.File, e.Column, e.Row!.Value));
        Assert.Contains("99990", e.Message);
    }

    [Fact]
    public void LegacyCodesUnderA2025ManifestAreRejectedAsWrongCodeSystem()
    {
        var s = new TinySnapshot();
        foreach (var p in s.Rows["persons.arrow"]) p["ward_code"] = "00001"; // Phúc Xá: a legacy commune only
        var e = Rejected(s.Write(Folder("codes")));
        Assert.Equal("ward_code", e.Column);
        Assert.Contains("legacy", e.Message);

        var early = new TinySnapshot { AsOf = "2025-05-31", SnapshotId = "01-2025-05-31" };
        var e2 = Rejected(early.Write(Folder("early")));
        Assert.Equal(("manifest.json", "khoá admin_codes"), (e2.File, e2.Column));
    }

    [Fact]
    public void MissingFileIsRejected()
    {
        var folder = new TinySnapshot().Write(Folder("missing"));
        File.Delete(Path.Combine(folder, "labs.arrow"));
        Assert.Equal("labs.arrow", Rejected(folder).File);
    }

    [Fact]
    public void MissingManifestIsRejected()
    {
        var folder = new TinySnapshot().Write(Folder("nomanifest"));
        File.Delete(Path.Combine(folder, "manifest.json"));
        Assert.Equal("manifest.json", Rejected(folder).File);
    }

    [Fact]
    public void MissingColumnIsRejectedNamingIt()
    {
        var s = new TinySnapshot();
        s.Dropped.Add(("encounters.arrow", "kind"));
        var e = Rejected(s.Write(Folder("col")));
        Assert.Equal(("encounters.arrow", "kind"), (e.File, e.Column));
    }

    [Fact]
    public void WrongTypeIsRejectedNamingTheColumnAndBothTypes()
    {
        var s = new TinySnapshot();
        s.TypeOverrides[("persons.arrow", "birth_year")] = StringType.Default;
        var e = Rejected(s.Write(Folder("type")));
        Assert.Equal(("persons.arrow", "birth_year"), (e.File, e.Column));
        Assert.Contains("int16", e.Message);
        Assert.Contains("utf8", e.Message);
    }

    [Fact]
    public void NullInANonNullColumnIsRejectedWithItsRow()
    {
        var s = new TinySnapshot();
        s.Rows["persons.arrow"][3]["created_date"] = null;
        var e = Rejected(s.Write(Folder("null")));
        Assert.Equal(("persons.arrow", "created_date", 4L), (e.File, e.Column, e.Row!.Value));
    }

    [Fact]
    public void DuplicateRecordIdIsRejectedWithTheSecondRow()
    {
        var s = new TinySnapshot();
        s.Rows["persons.arrow"][4]["record_id"] = "HS0002";
        s.Rows["encounters.arrow"][4]["record_id"] = "HS0002";
        var e = Rejected(s.Write(Folder("dup")));
        Assert.Equal(("persons.arrow", "record_id", 5L), (e.File, e.Column, e.Row!.Value));
        Assert.Contains("dòng 2", e.Message);
    }

    [Fact]
    public void DuplicateEncounterIdIsRejected()
    {
        var s = new TinySnapshot();
        s.Rows["encounters.arrow"][2]["encounter_id"] = "LK0001";
        var e = Rejected(s.Write(Folder("dupenc")));
        Assert.Equal(("encounters.arrow", "encounter_id", 3L), (e.File, e.Column, e.Row!.Value));
    }

    [Fact]
    public void OrphanEncounterAndOrphanLabAreRejected()
    {
        var s = new TinySnapshot();
        s.Rows["encounters.arrow"][5]["record_id"] = "HS9999";
        var e = Rejected(s.Write(Folder("orphan")));
        Assert.Equal(("encounters.arrow", "record_id", 6L), (e.File, e.Column, e.Row!.Value));

        var l = new TinySnapshot();
        l.Rows["labs.arrow"][1]["encounter_id"] = "LK9999";
        var e2 = Rejected(l.Write(Folder("orphanlab")));
        Assert.Equal(("labs.arrow", "encounter_id", 2L), (e2.File, e2.Column, e2.Row!.Value));
    }

    [Fact]
    public void RowCountMismatchIsRejected()
    {
        var folder = new TinySnapshot().Write(Folder("rows"));
        TinySnapshot.EditManifest(folder, m => m["files"]!["encounters.arrow"]!["rows"] = 7);
        var e = Rejected(folder);
        Assert.Equal("encounters.arrow", e.File);
        Assert.Contains("7", e.Message);
    }

    [Fact]
    public void ChecksumMismatchIsRejected()
    {
        var folder = new TinySnapshot().Write(Folder("sha"));
        TinySnapshot.EditManifest(folder, m => m["files"]!["persons.arrow"]!["sha256"] = new string('0', 64));
        var e = Rejected(folder);
        Assert.Equal("persons.arrow", e.File);
        Assert.Contains("SHA-256", e.Message);
    }

    [Fact]
    public void TruncatedArrowFileIsRejected()
    {
        var folder = new TinySnapshot().Write(Folder("trunc"));
        var path = Path.Combine(folder, "encounters.arrow");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        TinySnapshot.EditManifest(folder, m => m["files"]!["encounters.arrow"]!["sha256"] = TinySnapshot.Sha(path));
        var e = Rejected(folder);
        Assert.Equal("encounters.arrow", e.File);
        Assert.Contains("Arrow", e.Message);
    }

    [Fact]
    public void EmptySnapshotIsRejected()
    {
        var s = new TinySnapshot();
        foreach (var f in s.Rows.Keys) s.Rows[f].Clear();
        var e = Rejected(s.Write(Folder("empty")));
        Assert.Contains("trống", e.Message);
    }

    [Fact]
    public void SecondLoadWhileOneIsRunningIsRefused()
    {
        var first = new TinySnapshot().Write(Folder("first"));
        var second = new TinySnapshot { SnapshotId = "01-2025-10-31", AsOf = "2025-10-31" }.Write(Folder("second"));
        SnapshotRejectedException? refused = null;
        var progress = new InlineProgress(_ =>
        {
            refused ??= Assert.Throws<SnapshotRejectedException>(() => Loader().Load(second));
        });
        Loader().Load(first, false, progress);
        Assert.NotNull(refused);
        Assert.Contains("đang chạy", refused!.Message);
        using var c = db.Open();
        Assert.Equal(["01-2025-09-30"], c.Query<string>("SELECT snapshot_id FROM fact_snapshot"));
    }

    [Fact]
    public void ALoadWithAnotherKeyIsRefused()
    {
        Loader().Load(new TinySnapshot().Write(Folder("k1")));
        var other = new SnapshotLoader(db, new Pseudonymiser("another-key-9876543210"));
        var before = State();
        var e = Assert.Throws<SnapshotRejectedException>(() => other.Load(new TinySnapshot { SnapshotId = "01-2025-10-31", AsOf = "2025-10-31" }.Write(Folder("k2"))));
        Assert.Contains("khoá", e.Message);
        Assert.Equal(before, State());
    }

    [Fact]
    public void CommandLineLoadPrintsOneMessageAndExitsNonZeroWithoutStackTrace()
    {
        var s = new TinySnapshot();
        s.Rows["persons.arrow"][3]["created_date"] = null;
        var folder = s.Write(Folder("cli"));
        db.Dispose();
        Environment.SetEnvironmentVariable(Commands.KeyVariable, "test-key-0123456789");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Commands.Run(["load", folder, "--db", Path.Combine(dir, "cli.duckdb")], output, error);
        Assert.Equal(1, code);
        var message = error.ToString().Trim();
        Assert.Single(message.Split('\n'));
        Assert.Contains("persons.arrow", message);
        Assert.Contains("created_date", message);
        Assert.Contains("dòng 4", message);
        Assert.DoesNotContain("   at ", message);

        Assert.Equal(2, Commands.Run(["load", folder, "--db", Path.Combine(dir, "cli.duckdb"), "--replce"], output, error));
        Assert.Contains("--replce", error.ToString());

        // a memory budget DuckDB cannot read: refused by name, nothing written
        var budget = new StringWriter();
        Assert.Equal(2, Commands.Run(["load", folder, "--db", Path.Combine(dir, "budget.duckdb"), "--memory-budget", "lots"], output, budget));
        Assert.Contains("--memory-budget", budget.ToString());
        Assert.Contains("'lots'", budget.ToString());
        Assert.Single(budget.ToString().Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "budget.duckdb")));
    }

    [Fact]
    public void LoadFromAnotherProcessWhileTheWarehouseIsOpenIsRefusedWithOneMessage()
    {
        var folder = new TinySnapshot().Write(Folder("other-process"));
        var before = State();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet",
            [typeof(Program).Assembly.Location, "load", folder, "--db", db.Path])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
            Environment = { [Commands.KeyVariable] = "test-key-0123456789" },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("đang được một tiến trình khác sử dụng", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal(before, State());
    }

    sealed class InlineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
