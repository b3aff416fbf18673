using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>Charts and maps for <c>export</c>: the API's <see cref="ChartInputs"/> and <see cref="ChartRenderer"/>, public disclosure.</summary>
static class ChartExport
{
    public static byte[] Render(CoverageQueries queries, WarehouseDb db, string parent, string? snapshot, string? chart, string? measure, bool svg)
    {
        var kind = (chart ?? ChartRenderer.Coverage).ToLowerInvariant();
        if (!ChartRenderer.Kinds.Contains(kind))
            throw new CliUsageException($"Tham số --chart: '{chart}' không hợp lệ ({string.Join(", ", ChartRenderer.Kinds)}).");
        // The unit's snapshot as every coverage figure resolves it (the given one, or the latest containing the unit).
        var chosen = queries.Completeness(parent, snapshot).Unit.Snapshot;
        try
        {
            return ChartRenderer.Render(kind, ChartInputs.For(kind, measure, null, queries, new NcdDataStore(db), parent, chosen, Audience.Public),
                svg ? ChartFormat.Svg : ChartFormat.Png, measure);
        }
        catch (ArgumentException e) when (e.Message.StartsWith("Tham số measure", StringComparison.Ordinal))
        {
            throw new CliUsageException(e.Message.Replace("Tham số measure", "Tham số --measure"));
        }
        catch (MapNotAvailableException e) { throw new CliUsageException("Tham số --chart: " + e.Message); }
    }
}
