using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>Charts and maps for <c>export</c> (reports/Charts and reports/Maps).</summary>
static class ChartExport
{
    public static byte[] Render(CoverageQueries queries, WarehouseDb db, string parent, string? snapshot, string? chart, string? measure, bool svg) =>
        throw new CliUsageException("Tham số --out: biểu đồ và bản đồ (.png, .svg) chưa có trong bản này.");
}
