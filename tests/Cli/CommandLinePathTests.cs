using System.Diagnostics;
using Dapper;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Tests.Cli;

/// <summary>Relative paths on the command line mean paths in the folder the user typed the command in.</summary>
public sealed class CommandLinePathTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("hssk-cli-paths-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    static (int Code, string Out, string Err) Run(string directory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Commands.Run(args, output, error, directory);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The api project run the way the README says, <c>dotnet run --project api -- …</c>, from <paramref name="cwd"/>.</summary>
    static (int Code, string Out, string Err) DotnetRun(string cwd, params string[] args)
    {
        var bin = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var configuration = new DirectoryInfo(bin).Parent!.Name;   // tests/bin/<configuration>/net10.0
        var root = new DirectoryInfo(bin);
        while (!File.Exists(Path.Combine(root.FullName, "HoSoSucKhoe.sln"))) root = root.Parent!;
        var start = new ProcessStartInfo("dotnet",
            ["run", "--no-build", "-c", configuration, "--project", Path.Combine(root.FullName, "api", "Api.csproj"), "--", .. args])
        {
            WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(true); Assert.Fail("dotnet run did not finish in 2 minutes"); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void EveryVerbResolvesRelativePathsAgainstTheCallersFolderAndNamesThemInFull()
    {
        var folder = new TinySnapshot().Write(Path.Combine(dir, "in", "snap"));
        File.WriteAllText(Path.Combine(dir, "pop.csv"), "ward_code,year,population\n00004,2025,1000\n");
        Environment.SetEnvironmentVariable(Commands.KeyVariable, "test-key-0123456789");

        var population = Run(dir, "population", "pop.csv", "--db", "wh.duckdb");
        Assert.True(population.Code == 0, population.Err);
        var load = Run(dir, "load", Path.Combine("in", "snap"), "--db", "wh.duckdb");
        Assert.True(load.Code == 0, load.Err);
        var snapshots = Run(dir, "snapshots", "--db", "wh.duckdb");
        Assert.True(snapshots.Code == 0, snapshots.Err);
        Assert.Contains("01-2025-09-30", snapshots.Out);
        using (var db = new WarehouseDb(Path.Combine(dir, "wh.duckdb")))
        using (var c = db.Open())
            Assert.Equal(1000, c.QuerySingle<long>("SELECT population FROM fact_population WHERE ward_code = '00004' AND source = 'pop.csv'"));

        var missing = Path.Combine(dir, "none.duckdb");
        Assert.Contains($"'{missing}'", Run(dir, "snapshots", "--db", "none.duckdb").Err);
        Assert.Contains($"'{missing}'", Run(dir, "coverage", "--db", "none.duckdb", "--parent", "01").Err);
        Assert.Contains($"'{Path.Combine(dir, "none.csv")}'", Run(dir, "population", "none.csv", "--db", "wh.duckdb").Err);
        Assert.Contains($"'{Path.Combine(dir, "nowhere")}'", Run(dir, "load", "nowhere", "--db", "wh.duckdb").Err);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public void DotnetRunFromAnotherFolderOpensTheFilesOfThatFolder()
    {
        new WarehouseDb(Path.Combine(dir, "here.duckdb")).Dispose();
        var found = DotnetRun(dir, "snapshots", "--db", "here.duckdb");
        Assert.True(found.Code == 0, found.Err);
        Assert.Contains("(kho chưa có ảnh chụp nào)", found.Out);

        var serve = DotnetRun(dir, "serve", "--db", "typo.duckdb", "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, serve.Code);
        Assert.Contains($"'{Path.Combine(dir, "typo.duckdb")}'", serve.Err);
        Assert.Contains("--create", serve.Err);
        Assert.False(File.Exists(Path.Combine(dir, "typo.duckdb")));
    }

    [Fact]
    public void ServingWithABudgetDuckDbCannotReadIsRefusedInOneLine()
    {
        var serve = DotnetRun(dir, "serve", "--db", "budget.duckdb", "--create", "--urls", "http://127.0.0.1:0", "--Warehouse:MemoryBudget=lots");
        Assert.Equal(2, serve.Code);
        Assert.Contains("'lots'", serve.Err);
        Assert.Contains(WarehouseDb.MemoryBudgetVariable, serve.Err);
        Assert.Single(serve.Err.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "budget.duckdb")));
    }

    [Fact]
    public void ServeRefusesAMissingWarehouseUnlessAskedToCreateIt()
    {
        var e = Assert.Throws<CliUsageException>(() => ServeArguments.Translate(["serve", "--db", "new.duckdb"], dir));
        Assert.Equal($"Tham số --db: không có tệp kho dữ liệu '{Path.Combine(dir, "new.duckdb")}'. Kiểm tra lại đường dẫn, hoặc thêm --create để tạo một kho trống mới ở đó.", e.Message);
        Assert.Equal(["--Warehouse:Path=" + Path.Combine(dir, "new.duckdb"), "--urls", "http://127.0.0.1:5080"],
            ServeArguments.Translate(["serve", "--db", "new.duckdb", "--create", "--urls", "http://127.0.0.1:5080"], dir));
        Assert.Throws<CliUsageException>(() => ServeArguments.Translate(["serve", "--create"], dir));
    }
}
