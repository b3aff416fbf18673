using System.Globalization;
using Dapper;
using DuckDB.NET.Data;

namespace HoSoSucKhoe.Warehouse.Backup;

/// <summary>One table's row count and a hash of its rows (order-independent: the sum of the row hashes).</summary>
public sealed record TableFingerprint(string Table, long Rows, string Hash);

/// <summary>
/// The content of a warehouse, table by table: row count and an order-independent hash of every row (DuckDB's
/// <c>hash</c> of the row's columns, summed). Two warehouses with equal fingerprints hold the same rows in every table;
/// used by backups (the manifest records it, restore checks it) and by the kill trials (a warehouse after a crash must
/// equal its state before or after the load).
/// </summary>
public static class WarehouseFingerprint
{
    /// <summary>Every table of <paramref name="catalog"/>'s main schema, in name order: the stored ones and the fact
    /// views (each snapshot's full copy, as every query reads them).</summary>
    /// <param name="connection">An open connection on which <paramref name="catalog"/> is attached.</param>
    /// <param name="catalog">The attached database's name (the warehouse is <c>wh</c>).</param>
    /// <param name="ignoreColumns">Columns left out of the hash (e.g. load times, which differ between two equal loads).</param>
    public static IReadOnlyList<TableFingerprint> Of(DuckDBConnection connection, string catalog = "wh", IReadOnlySet<string>? ignoreColumns = null)
    {
        var columns = connection.Query<(string Table, string Column)>("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_catalog = $catalog AND table_schema = 'main'
              AND table_name IN (SELECT table_name FROM information_schema.tables
                                 WHERE table_catalog = $catalog AND table_schema = 'main' AND table_type IN ('BASE TABLE', 'VIEW'))
            ORDER BY table_name, ordinal_position
            """, new { catalog }).ToList();
        var result = new List<TableFingerprint>();
        foreach (var table in columns.GroupBy(c => c.Table).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var hashed = table.Select(c => c.Column).Where(c => ignoreColumns is null || !ignoreColumns.Contains(c)).ToList();
            var row = hashed.Count == 0 ? "0" : $"hash({string.Join(", ", hashed.Select(Quote))})";
            var (rows, hash) = connection.QuerySingle<(long, string)>(
                $"SELECT count(*)::BIGINT, coalesce(sum({row}::HUGEINT), 0)::VARCHAR FROM {Quote(catalog)}.main.{Quote(table.Key)}");
            result.Add(new TableFingerprint(table.Key, rows, hash));
        }
        return result;
    }

    /// <summary>The tables whose count or hash differ between two fingerprints, described for a message or a log.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<TableFingerprint> expected, IReadOnlyList<TableFingerprint> actual)
    {
        var a = actual.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var e in expected)
        {
            if (!a.Remove(e.Table, out var x)) differences.Add($"{e.Table}: missing");
            else if (x.Rows != e.Rows) differences.Add(string.Create(CultureInfo.InvariantCulture, $"{e.Table}: {x.Rows} rows, expected {e.Rows}"));
            else if (x.Hash != e.Hash) differences.Add($"{e.Table}: same row count ({e.Rows}), different rows");
        }
        differences.AddRange(a.Keys.Order(StringComparer.Ordinal).Select(t => $"{t}: unexpected table"));
        return differences;
    }

    static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
