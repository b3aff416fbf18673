using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>
/// The query behind each chart kind and map measure, for one unit and snapshot, disclosed for an audience: the one
/// place the API, the command line, the pages and the e-mails get a chart's input, so a chart shows the API's numbers.
/// coverage / map coverage|gap: the appendix table of the unit's children; trend: the unit's series up to the
/// snapshot; cascade: the unit's cascade; prevalence: the unit's five-year bands by sex of the NCD measure (<c>ncdMeasure</c>);
/// map prevalence|smoothed: the communes of all adults (18+); map dq: each commune's data quality.
/// </summary>
public static class ChartInputs
{
    /// <summary>The NCD measure of prevalence charts and maps when none is named.</summary>
    public const string DefaultNcdMeasure = "htn_screened";

    /// <exception cref="ArgumentException">Unknown kind, measure or NCD measure (the message names the parameter).</exception>
    /// <exception cref="KpiNotFoundException">The unit is not in the snapshot.</exception>
    public static ChartInput For(string kind, string? measure, string? ncdMeasure, CoverageQueries queries, NcdDataStore ncd,
        string code, LoadedSnapshot snapshot, Audience audience)
    {
        var sid = snapshot.SnapshotId;
        kind = kind.ToLowerInvariant();
        if (!ChartRenderer.Kinds.Contains(kind))
            throw new ArgumentException($"Tham số kind: '{kind}' không hợp lệ ({string.Join(", ", ChartRenderer.Kinds)}).");
        if (kind == ChartRenderer.Map)
        {
            var m = (measure ?? throw new ArgumentException("Tham số measure: bắt buộc với kind=map.")).ToLowerInvariant();
            if (!Maps.ChoroplethMap.Measures.Contains(m))
                throw new ArgumentException($"Tham số measure: '{measure}' không hợp lệ ({string.Join(", ", Maps.ChoroplethMap.Measures)}).");
            return m switch
            {
                "prevalence" or "smoothed" => CommunePrevalence(ncd.Get(snapshot), NcdMeasure(ncdMeasure), audience, snapshot.CodeSystem),
                "dq" => new DataQualityChartInput(queries.CommunesDataQuality(code, sid)),
                _ => new CoverageChartInput(queries.Children(new CoverageRequest(code) { SnapshotId = sid })),
            };
        }
        return kind switch
        {
            ChartRenderer.Trend => new TrendChartInput(queries.Series(code, snapshot.CodeSystem, snapshot.AsOf)),
            ChartRenderer.Cascade => Cascade(ncd.Get(snapshot), code, audience),
            ChartRenderer.Prevalence => UnitPrevalence(ncd.Get(snapshot), NcdMeasure(ncdMeasure), code, audience),
            _ => new CoverageChartInput(queries.Children(new CoverageRequest(code) { SnapshotId = sid })),
        };
    }

    static Measure NcdMeasure(string? name) =>
        Measure.Find(name ?? DefaultNcdMeasure) ?? throw new ArgumentException($"Tham số ncdMeasure: '{name}' không phải chỉ số tăng huyết áp/đái tháo đường đã biết.");

    static CascadeChartInput Cascade(NcdData data, string code, Audience audience)
    {
        var row = data.Cascades().FirstOrDefault(r => r.UnitCode == code)
            ?? throw KpiNotFoundException.Unit(code, data.Snapshot.SnapshotId);
        return new CascadeChartInput(data.Suppression.Disclose(row, audience));
    }

    static PrevalenceChartInput UnitPrevalence(NcdData data, Measure m, string code, Audience audience)
    {
        var rows = (from g in AgeStandard.Groups.Where(g => g.Scheme == "5y")
                    from sex in new[] { "male", "female" }
                    from r in data.Prevalence(m, sex, g)
                    where r.UnitCode == code
                    select data.Suppression.Disclose(r, m, g, audience)).ToList();
        if (rows.Count == 0) throw KpiNotFoundException.Unit(code, data.Snapshot.SnapshotId);
        return new PrevalenceChartInput(rows, m.Name, data.Anchors());
    }

    static PrevalenceChartInput CommunePrevalence(NcdData data, Measure m, Audience audience, string codeSystem)
    {
        var g = AgeStandard.Group("18+");
        return new PrevalenceChartInput(data.Prevalence(m, "all", g).Select(r => data.Suppression.Disclose(r, m, g, audience)).ToList(),
            m.Name, CodeSystem: codeSystem);
    }
}
