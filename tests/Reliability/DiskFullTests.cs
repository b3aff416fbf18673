using System.Diagnostics;
using DuckDB.NET.Data;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Backup;

namespace HoSoSucKhoe.Tests.Reliability;

/// <summary>
/// A load whose writes the file system refuses (issue 14 §1, disk full). The campaign fills a real tmpfs
/// (tools/reliability/run); here the CLI runs as a child process under a file-size limit (<c>ulimit -f</c>, SIGXFSZ
/// ignored so that writes fail with EFBIG as they fail with ENOSPC on a full disk), which needs no mount. Before the
/// fix the CLI printed "Lỗi không mong đợi" with DuckDB's English checkpoint error (exit code 3).
/// </summary>
[Collection("warehouse")]
public sealed class DiskFullTests(WarehouseFixture fixture)
{
    static IReadOnlyList<TableFingerprint> Fingerprint(string file)
    {
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        using (var cmd = c.CreateCommand()) { cmd.CommandText = $"ATTACH '{file}' AS f (READ_ONLY)"; cmd.ExecuteNonQuery(); }
        return WarehouseFingerprint.Of(c, "f");
    }

    [Fact]
    public async Task LoadThatCannotWriteGivesOneVietnameseMessageAndLeavesTheWarehouseAsItWas()
    {
        var db = fixture.CopyDatabase();
        var before = Fingerprint(db);
        var folder = new TinySnapshot(persons: 400) { SnapshotId = "01-2026-03-31", AsOf = "2026-03-31" }.Write(fixture.NewFolder("disk-full"));
        const int limitKb = 64; // far below the file's size: the commit's writes (its checkpoint or its WAL) fail
        var cli = Path.Combine(AppContext.BaseDirectory, "HoSoSucKhoe.Api.dll");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"trap '' XFSZ; ulimit -f {limitKb}; exec dotnet \"$0\" load \"$1\" --db \"$2\"");
        info.ArgumentList.Add(cli);
        info.ArgumentList.Add(folder);
        info.ArgumentList.Add(db);
        info.Environment[Commands.KeyVariable] = WarehouseFixture.Key;
        // Without W^X the runtime needs no double-mapped memory file, which the size limit would refuse at start.
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        await output;

        Assert.True(p.ExitCode == 1, $"exit {p.ExitCode}: {error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("đĩa chứa kho dữ liệu", lines[0]);
        Assert.Contains("kho giữ nguyên như trước", lines[0]);
        Assert.DoesNotContain("Lỗi không mong đợi", error);
        Assert.DoesNotContain("   at ", error);

        // Exactly as it was, and usable: the same load succeeds without the limit.
        Assert.Equal(before, Fingerprint(db));
        using var warehouse = new WarehouseDb(db);
        var result = WarehouseFixture.Loader(warehouse).Load(folder);
        Assert.Equal(400, result.Persons);
    }
}
