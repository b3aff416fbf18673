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

    public WarehouseDb(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        root = new DuckDBConnection("Data Source=:memory:");
        root.Open();
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
        // Every embedded Schema/*.sql, in file-name order; each is idempotent.
        foreach (var script in typeof(WarehouseDb).Assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith("Schema.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
            root.Execute(ReadResource(script));
        Loading.FactHistory.MigrateLegacy(root, legacy);
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
