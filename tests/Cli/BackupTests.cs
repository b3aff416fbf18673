using System.Net;
using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Backup;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Tests.Cli;

/// <summary><c>backup</c> and <c>restore</c> on real DuckDB files: a round trip equals the source in every table, every
/// mart and the sequences; a backup taken by a serving server while a load runs holds the load whole; a damaged backup
/// is refused before anything is written; an existing warehouse is replaced only with --force.</summary>
[Collection("warehouse")]
public sealed class BackupTests(WarehouseFixture fixture)
{
    static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = Commands.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    static IReadOnlyList<TableFingerprint> Fingerprint(string file, out List<(string Name, long Last)> sequences)
    {
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        c.Execute($"ATTACH '{file}' AS f (READ_ONLY)");
        sequences = c.Query<(string, long)>("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences() WHERE database_name = 'f' ORDER BY 1").ToList();
        return WarehouseFingerprint.Of(c, "f");
    }

    static string Coverage(string file)
    {
        using var db = new WarehouseDb(file);
        return JsonSerializer.Serialize(new CoverageQueries(db).Children(new CoverageRequest("20")));
    }

    [Fact]
    public void BackupThenRestoreEqualsEveryTableMartAndSequence()
    {
        var source = fixture.CopyDatabase();
        // A subscription uses the warehouse's one sequence: the restored file must continue it, not restart it.
        var add = Run("subscriptions", "add", "--db", source, "--address", "a@example.vn", "--name", "A", "--role", "leadership",
            "--scope", "20", "--unit", "20", "--kind", "monthly_appendix");
        Assert.True(add.Code == 0, add.Error);
        var expected = Fingerprint(source, out var sequences);
        Assert.Contains(expected, t => t.Table.StartsWith("mart_", StringComparison.Ordinal) && t.Rows > 0);
        var coverage = Coverage(source);

        var folder = Path.Combine(fixture.NewFolder("backup"), "b1");
        var (code, output, error) = Run("backup", "--db", source, "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("Đã sao lưu", output);
        var manifest = WarehouseBackup.Verify(folder);
        Assert.Equal(expected, manifest.Tables);
        Assert.Equal(fixture.SnapshotFolders.Count, manifest.Snapshots.Count);
        Assert.False(File.Exists(Path.Combine(folder, WarehouseBackup.FileName + ".wal")));

        var restored = Path.Combine(fixture.NewFolder("restored"), "warehouse.duckdb");
        (code, output, error) = Run("restore", "--from", folder, "--db", restored);
        Assert.True(code == 0, error);
        Assert.Contains("Đã khôi phục", output);
        Assert.Equal(expected, Fingerprint(restored, out var restoredSequences));
        Assert.Equal(sequences, restoredSequences);
        Assert.Equal(coverage, Coverage(restored));
        var next = Run("subscriptions", "add", "--db", restored, "--address", "b@example.vn", "--name", "B", "--role", "leadership",
            "--scope", "20", "--unit", "20", "--kind", "monthly_appendix");
        Assert.True(next.Code == 0, next.Error);
        using (var db = new WarehouseDb(restored))
        using (var c = db.Open())
            Assert.Equal(2, c.QuerySingle<long>("SELECT count(DISTINCT subscription_id) FROM mail_subscription"));

        // An existing warehouse is replaced only with --force; a second backup into the same folder is refused.
        var refused = Run("restore", "--from", folder, "--db", source);
        Assert.Equal(1, refused.Code);
        Assert.Contains("--force", refused.Error);
        Assert.Equal(expected, Fingerprint(source, out _));
        var forced = Run("restore", "--from", folder, "--db", restored, "--force");
        Assert.True(forced.Code == 0, forced.Error);
        Assert.Equal(expected, Fingerprint(restored, out _));
        var again = Run("backup", "--db", source, "--out", folder);
        Assert.Equal(1, again.Code);
        Assert.Contains("đã chứa một bản sao lưu", again.Error);
    }

    [Fact]
    public async Task BackupThroughTheServingServerWaitsForARunningLoadAndHoldsItWhole()
    {
        using var api = new ApiFactory(fixture, ("Cache:Enabled", "false"));
        var admin = api.As(ApiFactory.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.As(ApiFactory.Leadership).PostAsync("/api/admin/backups", JsonContent("{}"))).StatusCode);
        var bad = await admin.PostAsync("/api/admin/backups", JsonContent("""{"name":"../ra-ngoai"}"""));
        Assert.Contains("name", (await bad.ProblemAsync(400)).Detail);

        // A load through the server's own warehouse, held inside its transaction after every fact and mart is written.
        var warehouse = api.Services.GetRequiredService<WarehouseDb>();
        using var inside = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var loader = new SnapshotLoader(warehouse, new Pseudonymiser(WarehouseFixture.Key),
            [.. Pipeline.AfterLoadSteps, (_, _) => { inside.Release(); release.Wait(); }]);
        var tiny = new TinySnapshot { SnapshotId = "01-2026-01-31", AsOf = "2026-01-31" }.Write(fixture.NewFolder("tiny"));
        var load = Task.Run(() => loader.Load(tiny));
        Task<HttpResponseMessage> backup;
        try
        {
            Assert.True(await inside.WaitAsync(TimeSpan.FromMinutes(2)), "the load never reached its commit");
            // The backup waits for the load, then copies: longer than the default client timeout on a busy machine.
            var patient = api.CreateClient();
            patient.Timeout = TimeSpan.FromMinutes(10);
            patient.DefaultRequestHeaders.Add("X-Api-Key", ApiFactory.Admin);
            backup = patient.PostAsync("/api/admin/backups", JsonContent("""{"name":"giua-lan-nap"}"""));
            await Task.Delay(1500);
            Assert.False(backup.IsCompleted, "the backup must wait for the running load");
        }
        finally
        {
            release.Release();
        }
        await load;
        using var response = await backup;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var folder = JsonDocument.Parse(body).RootElement.GetProperty("folder").GetString()!;
        Assert.StartsWith(Path.Combine(Path.GetDirectoryName(api.DbPath)!, "backups"), folder);
        var manifest = WarehouseBackup.Verify(folder);
        Assert.Contains("01-2026-01-31", manifest.Snapshots);

        // The backup equals the server's warehouse after the load, table by table (but the risk model, which the server
        // trains in the background from its start and may have written after the copy, and sign-in counters).
        string[] background = ["ncd_model", "ncd_risk_score", "web_user"];
        IReadOnlyList<TableFingerprint> serving;
        using (var c = warehouse.Open()) serving = WarehouseFingerprint.Of(c);
        Assert.Equal(serving.Where(t => !background.Contains(t.Table)), manifest.Tables.Where(t => !background.Contains(t.Table)));
        Assert.Contains(manifest.Tables, t => t.Table == "fact_record" && t.Rows == serving.Single(s => s.Table == "fact_record").Rows);

        // The verb on the held file says what to do instead of failing obscurely; restore refuses the held target.
        var held = Run("backup", "--db", api.DbPath, "--out", Path.Combine(fixture.NewFolder("held"), "b"));
        if (held.Code != 0)
        {
            Assert.Equal(1, held.Code);
            Assert.Contains("backup --server", held.Error);
        }
        Assert.Equal(409, (int)(await admin.PostAsync("/api/admin/backups", JsonContent("""{"name":"giua-lan-nap"}"""))).StatusCode);
    }

    static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("flip", "SHA-256")]
    [InlineData("truncate", "cắt cụt")]
    [InlineData("manifest-rows", "nội dung khác manifest")]
    [InlineData("manifest-json", "không đọc được JSON")]
    [InlineData("no-manifest", "thiếu tệp backup.json")]
    public void DamagedBackupIsRefusedBeforeAnythingIsWritten(string damage, string message)
    {
        var source = fixture.CopyDatabase();
        var folder = Path.Combine(fixture.NewFolder("damaged"), "b");
        Assert.Equal(0, Run("backup", "--db", source, "--out", folder).Code);
        var file = Path.Combine(folder, WarehouseBackup.FileName);
        var manifestPath = Path.Combine(folder, WarehouseBackup.ManifestName);
        switch (damage)
        {
            case "flip":
                using (var s = File.Open(file, FileMode.Open))
                {
                    s.Position = s.Length / 2;
                    var b = s.ReadByte();
                    s.Position = s.Length / 2;
                    s.WriteByte((byte)(b ^ 0x5A));
                }
                break;
            case "truncate":
                using (var s = File.Open(file, FileMode.Open)) s.SetLength(s.Length - 4096);
                break;
            case "manifest-rows":
                // A manifest that lies about a table (its file checksum still right): the rows are compared too.
                var text = File.ReadAllText(manifestPath);
                var doc = JsonDocument.Parse(text).RootElement;
                var first = doc.GetProperty("tables").EnumerateArray().First(t => t.GetProperty("Rows").GetInt64() > 0);
                var table = first.GetProperty("Table").GetString();
                var rows = first.GetProperty("Rows").GetInt64();
                File.WriteAllText(manifestPath, text.Replace($"\"Table\": \"{table}\",\n      \"Rows\": {rows},", $"\"Table\": \"{table}\",\n      \"Rows\": {rows + 1},"));
                Assert.NotEqual(text, File.ReadAllText(manifestPath));
                break;
            case "manifest-json":
                File.WriteAllText(manifestPath, File.ReadAllText(manifestPath)[..40]);
                break;
            case "no-manifest":
                File.Delete(manifestPath);
                break;
        }
        var target = Path.Combine(fixture.NewFolder("target"), "warehouse.duckdb");
        var (code, _, error) = Run("restore", "--from", folder, "--db", target);
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!));
    }
}
