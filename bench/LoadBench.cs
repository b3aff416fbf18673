using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using DuckDB.NET.Data;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

public sealed record BenchSettings(string Province, double Scale, string Dir)
{
    public string Snapshots => Path.Combine(Dir, "snapshots");
    public string Warehouse => Path.Combine(Dir, "bench.duckdb");
}

/// <summary>Issue 2 §7: the loader's Arrow C-stream path against a plain DuckDB.NET appender, same data, same run.</summary>
public static class LoadBench
{
    public static void Generate(BenchSettings s)
    {
        var sw = Stopwatch.StartNew();
        var month = new DateOnly(2025, 9, 1);
        SyntheticProvince.Generate(new GeneratorOptions(s.Province, s.Scale, month, month, s.Snapshots), new Progress<string>(Console.WriteLine));
        Console.WriteLine($"generate: {sw.Elapsed.TotalSeconds:0.0} s, peak memory {Memory.PeakGb():0.00} GB");
    }

    /// <summary>Generates (in-process) and loads a range of monthly snapshots once, for the model benchmark.</summary>
    public static void EnsureHistory(BenchSettings s, DateOnly from, DateOnly to)
    {
        if (File.Exists(s.Warehouse)) return;
        var sw = Stopwatch.StartNew();
        var folders = Directory.Exists(s.Snapshots) && Directory.GetDirectories(s.Snapshots).Length > 0
            ? Directory.GetDirectories(s.Snapshots).Where(d => File.Exists(Path.Combine(d, Manifest.FileName))).ToList()
            : SyntheticProvince.Generate(new GeneratorOptions(s.Province, s.Scale, from, to, s.Snapshots)).ToList();
        Console.WriteLine($"  generated {folders.Count} snapshots in {sw.Elapsed.TotalSeconds:0} s");
        sw.Restart();
        var building = s.Warehouse + ".building";
        File.Delete(building);
        using (var db = new WarehouseDb(building))
            Pipeline.Loader(db, new Pseudonymiser("bench-key-0123456789")).LoadAll(folders, replace: false);
        File.Move(building, s.Warehouse);
        Console.WriteLine($"  loaded them in {sw.Elapsed.TotalSeconds:0} s");
    }

    public static void EnsureGenerated(BenchSettings s)
    {
        if (Folder(s) is not null) return;
        var self = typeof(LoadBench).Assembly.Location;
        var p = Process.Start(new ProcessStartInfo("dotnet", [self, "generate", "--province", s.Province, "--scale", s.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", s.Dir]))!;
        p.WaitForExit();
        if (p.ExitCode != 0 || Folder(s) is null) throw new InvalidOperationException("generation failed");
    }

    public static string SnapshotId(BenchSettings s) => Manifest.Read(Folder(s)!).SnapshotId;

    static string? Folder(BenchSettings s) =>
        Directory.Exists(s.Snapshots) ? Directory.GetDirectories(s.Snapshots).FirstOrDefault(d => File.Exists(Path.Combine(d, Manifest.FileName))) : null;

    public static void Run(BenchSettings s)
    {
        var folder = Folder(s)!;
        var manifest = Manifest.Read(folder);
        Console.WriteLine($"snapshot {manifest.SnapshotId}: " + string.Join(", ", manifest.Files.Select(f => $"{f.Name} {f.Rows:N0}")));
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        File.Delete(s.Warehouse);
        File.Delete(s.Warehouse + ".wal");
        LoadResult result;
        using (var db = new WarehouseDb(s.Warehouse))
        {
            var sw = Stopwatch.StartNew();
            result = Pipeline.Loader(db, new Pseudonymiser("bench-key-0123456789")).Load(folder);
            Console.WriteLine($"\n== loader (Arrow C stream → duckdb_arrow_scan, validation, transform, KPI marts and NCD case definitions, one transaction) ==");
            Console.WriteLine($"total {sw.Elapsed.TotalSeconds:0.00} s, peak memory {Memory.PeakGb():0.00} GB");
            foreach (var (stage, seconds) in result.StageSeconds) Console.WriteLine($"  {stage,-28} {seconds,7:0.00} s");
            foreach (var f in manifest.Files)
            {
                var staged = result.StageSeconds["stage " + f.Name];
                Console.WriteLine($"  {f.Name,-20} {f.Rows,12:N0} rows  Arrow→DuckDB {f.Rows / staged / 1e6,6:0.00} M rows/s");
            }
            Console.WriteLine($"  end to end: {(result.Persons + result.Encounters + result.Labs + result.Medications) / result.Seconds / 1e6:0.00} M rows/s over all files");
        }
        var loaderPeak = Memory.PeakGb();

        Console.WriteLine("\n== baseline: DuckDB.NET appender, row by row, same Arrow files into the same column types ==");
        var baseline = Path.Combine(s.Dir, "appender.duckdb");
        File.Delete(baseline);
        using var conn = new DuckDBConnection($"Data Source={baseline}");
        conn.Open();
        foreach (var file in SnapshotContract.Files)
        {
            var sw = Stopwatch.StartNew();
            var rows = AppendFile(conn, Path.Combine(folder, file.Name), file);
            var rate = rows / sw.Elapsed.TotalSeconds;
            var fast = rows / result.StageSeconds["stage " + file.Name];
            Console.WriteLine($"  {file.Name,-20} {rows,12:N0} rows  appender {rate / 1e6,6:0.00} M rows/s   loader staging is {fast / rate:0.0}×");
        }
        Console.WriteLine($"peak memory (whole process, after baseline) {Memory.PeakGb():0.00} GB; loader alone {loaderPeak:0.00} GB");
    }

    static long AppendFile(DuckDBConnection conn, string path, ContractFile file)
    {
        var ddl = string.Join(", ", file.Columns.Select(c => $"\"{c.Name}\" {SqlType(c)}"));
        using (var cmd = conn.CreateCommand()) { cmd.CommandText = $"CREATE OR REPLACE TABLE {file.StageTable} ({ddl})"; cmd.ExecuteNonQuery(); }
        using var reader = new ArrowFileReader(File.OpenRead(path));
        using var appender = conn.CreateAppender(file.StageTable);
        long n = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            var cols = file.Columns.Select(c => batch.Column(c.Name)).ToArray();
            for (var i = 0; i < batch.Length; i++)
            {
                var row = appender.CreateRow();
                foreach (var col in cols) row = Append(row, col, i);
                row.EndRow();
            }
            n += batch.Length;
        }
        return n;
    }

    static string SqlType(ContractColumn c) => c.TypeName switch
    {
        "utf8" => "VARCHAR", "int16" => "SMALLINT", "int8" => "TINYINT", "date32" => "DATE", "bool" => "BOOLEAN",
        "float" => "FLOAT", _ => "TIMESTAMP",
    };

    static IDuckDBAppenderRow Append(IDuckDBAppenderRow row, IArrowArray col, int i) => col switch
    {
        _ when col.IsNull(i) => row.AppendNullValue(),
        StringArray a => row.AppendValue(a.GetString(i)),
        Int16Array a => row.AppendValue(a.GetValue(i)),
        Int8Array a => row.AppendValue(a.GetValue(i)),
        Date32Array a => row.AppendValue(a.GetDateTime(i)),
        BooleanArray a => row.AppendValue(a.GetValue(i)),
        FloatArray a => row.AppendValue(a.GetValue(i)),
        TimestampArray a => row.AppendValue(a.GetTimestamp(i)!.Value.DateTime),
        _ => throw new NotSupportedException(col.Data.DataType.Name),
    };
}

static class Memory
{
    /// <summary>Peak resident set of this process (VmHWM), in GB.</summary>
    public static double PeakGb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1e9 : long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024 / 1e9;
    }
}
