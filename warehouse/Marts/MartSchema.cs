using Dapper;
using DuckDB.NET.Data;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>
/// Guard: <see cref="WarehouseDb"/> runs only 001/002 at open, so the marts make sure the tables of
/// Schema/003_marts.sql exist before they write or read (the script is idempotent). Becomes a no-op once every
/// embedded Schema/*.sql runs at open.
/// </summary>
static class MartSchema
{
    static readonly string Script = WarehouseDb.ReadResource("Schema.003_marts.sql");

    /// <summary>On the loader's staging connection, inside its transaction: table names qualified with <c>wh.main</c>.</summary>
    public static void EnsureStaging(DuckDBConnection connection) =>
        connection.Execute(Script.Replace("CREATE TABLE IF NOT EXISTS ", "CREATE TABLE IF NOT EXISTS wh.main.", StringComparison.Ordinal));

    /// <summary>On a warehouse connection (default catalog <c>wh</c>).</summary>
    public static void Ensure(DuckDBConnection connection) => connection.Execute(Script);
}
