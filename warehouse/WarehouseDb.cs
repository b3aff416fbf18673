using System.Data;
using Dapper;
using DuckDB.NET.Data;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse;

/// <summary>
/// The warehouse file, ATTACHed as <c>wh</c> to one in-memory DuckDB instance that lives as long as this object.
/// Every connection is a <see cref="DuckDBConnection.Duplicate"/> of the root, so readers and the loader share one
/// instance (one writer, many readers, MVCC), and Arrow scan views live in the in-memory catalog, never in the
/// file (a view left in a file database crashes the next open: docs/performance.md).
/// </summary>
public sealed class WarehouseDb : IDisposable
{
    readonly DuckDBConnection root;

    // Columns are snake_case, records PascalCase: Dapper matches them without an alias per column.
    static WarehouseDb() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public string Path { get; }

    /// <summary>One load at a time on this warehouse (a second one is refused at once, not queued).</summary>
    internal SemaphoreSlim Writer { get; } = new(1, 1);

    /// <summary>The memory budget when none is given: <c>HSSK_MEMORY_BUDGET</c> if set, else 4 GB, which keeps a load of
    /// any size under 8 GB of process memory (docs/performance.md "A full-size province").</summary>
    public static string DefaultMemoryBudget =>
        Environment.GetEnvironmentVariable(MemoryBudgetVariable) is { Length: > 0 } v ? v : "4GB";

    /// <summary>The environment variable that sets <see cref="DefaultMemoryBudget"/>.</summary>
    public const string MemoryBudgetVariable = "HSSK_MEMORY_BUDGET";

    /// <summary>The DuckDB memory limit in force (e.g. "4GB"): what a load or query may hold in memory before
    /// DuckDB spills to <see cref="TempFolder"/>.</summary>
    public string MemoryBudget { get; }

    /// <summary><see cref="MemoryBudget"/> in bytes, as DuckDB read it.</summary>
    public long MemoryBudgetBytes { get; }

    /// <summary>Where DuckDB spills what does not fit the budget: <c>&lt;warehouse&gt;.tmp/</c> beside the file.</summary>
    public string TempFolder => Path + ".tmp";

    /// <param name="path">The warehouse file (created if absent).</param>
    /// <param name="memoryBudget">DuckDB's memory limit, as DuckDB spells sizes ("4GB", "800MB");
    /// null = <see cref="DefaultMemoryBudget"/>.</param>
    public WarehouseDb(string path, string? memoryBudget = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        MemoryBudget = memoryBudget ?? DefaultMemoryBudget;
        root = new DuckDBConnection("Data Source=:memory:");
        root.Open();
        try
        {
            // Staging tables live in the in-memory catalog: with a limit and a folder to spill to, a snapshot of any
            // size loads in bounded memory (without the folder DuckDB's in-memory catalog cannot spill).
            root.Execute($"SET memory_limit = '{MemoryBudget.Replace("'", "''")}'; SET temp_directory = '{TempFolder.Replace("'", "''")}'");
            MemoryBudgetBytes = Bytes(root.ExecuteScalar<string>("SELECT current_setting('memory_limit')")!);
        }
        catch (DuckDBException e)
        {
            root.Dispose();
            throw new MemoryBudgetException($"Giới hạn bộ nhớ '{MemoryBudget}' không hợp lệ (tham số --memory-budget, Warehouse:MemoryBudget hoặc {MemoryBudgetVariable}); viết như 4GB hoặc 800MB. ({e.Message.Split('\n')[0].Trim()})", e);
        }
        try
        {
            root.Execute($"ATTACH '{Path.Replace("'", "''")}' AS wh");
        }
        catch (DuckDBException e) when (e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            root.Dispose();
            throw new WarehouseBusyException(Path, e.Message);
        }
        root.Execute("USE wh");
        var legacy = Loading.FactHistory.DetachLegacy(root);
        Loading.FactHistory.DetachKeyed(root);
        // Every embedded Schema/*.sql, in file-name order; each is idempotent.
        foreach (var script in typeof(WarehouseDb).Assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith("Schema.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
            root.Execute(ReadResource(script));
        Loading.FactHistory.MigrateLegacy(root, legacy);
        Loading.FactHistory.MigrateKeyed(root);
        SeedReference();
    }

    /// <summary>A new connection whose default catalog is the warehouse. Dispose it after the request.</summary>
    public DuckDBConnection Open()
    {
        var c = root.Duplicate();
        if (c.State != ConnectionState.Open) c.Open();
        c.Execute("USE wh");
        return c;
    }

    /// <summary>A connection left in the in-memory catalog: scan views and staging tables go there, facts are
    /// written as <c>wh.main.*</c>.</summary>
    internal DuckDBConnection OpenStaging()
    {
        var c = root.Duplicate();
        if (c.State != ConnectionState.Open) c.Open();
        return c;
    }

    void SeedReference()
    {
        if (root.ExecuteScalar<long>("SELECT count(*) FROM dim_admin_unit") > 0) return;
        var reference = ReferenceData.Load();
        using var tx = root.BeginTransaction();
        using (var units = root.CreateAppender("dim_admin_unit"))
            foreach (var u in reference.Units)
                units.CreateRow().AppendValue(u.CodeSystem).AppendValue(u.Level).AppendValue(u.Code)
                    .AppendValue(u.ParentCode).AppendValue(u.ProvinceCode).AppendValue(u.Name).AppendValue(u.FullName)
                    .AppendValue(u.UnitType).AppendValue(Text.Fold(u.Name))
                    .AppendValue(u.ValidFrom.ToDateTime(TimeOnly.MinValue))
                    .AppendValue(u.ValidTo?.ToDateTime(TimeOnly.MinValue)).EndRow();
        using (var bridge = root.CreateAppender("dim_unit_bridge"))
            foreach (var b in reference.Bridge)
                bridge.CreateRow().AppendValue(b.OldCode).AppendValue(b.NewCode).AppendValue(b.Link).AppendValue(b.Weight).EndRow();
        using (var population = root.CreateAppender("fact_population"))
            foreach (var p in reference.Population)
                population.CreateRow().AppendValue(ReferenceData.System2025).AppendValue(p.WardCode).AppendValue((short)p.Year)
                    .AppendNullValue().AppendNullValue().AppendValue(p.Population).AppendNullValue().AppendValue("default-2025").EndRow();
        tx.Commit();
    }

    /// <summary>DuckDB's spelling of a size ("3.7 GiB", "800.0 MiB", "4GB") in bytes.</summary>
    internal static long Bytes(string size)
    {
        var m = System.Text.RegularExpressions.Regex.Match(size.Trim(), @"^([0-9.]+)\s*([KMGT]?)(i?)B?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (!m.Success) return long.MaxValue;
        var unit = m.Groups[3].Length > 0 ? 1024.0 : 1000.0;
        var power = "KMGT".IndexOf(char.ToUpperInvariant(m.Groups[2].Value.FirstOrDefault('B'))) + 1;
        return (long)(double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * Math.Pow(unit, power));
    }

    internal static string ReadResource(string name)
    {
        using var stream = typeof(WarehouseDb).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from the build.");
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose()
    {
        root.Dispose();
        Writer.Dispose();
    }
}

/// <summary>The warehouse file is locked by another process (a running server or load).</summary>
public sealed class WarehouseBusyException(string path, string detail)
    : Exception($"Kho dữ liệu {path} đang được một tiến trình khác sử dụng (máy chủ hoặc một lần nạp khác); hãy dừng tiến trình đó rồi thử lại. (database file is locked: {detail})");

/// <summary>A memory budget DuckDB cannot read (from <c>--memory-budget</c>, <c>Warehouse:MemoryBudget</c> or
/// <c>HSSK_MEMORY_BUDGET</c>): one message naming the parameter, nothing opened.</summary>
public sealed class MemoryBudgetException(string message, Exception inner) : ArgumentException(message, inner);
