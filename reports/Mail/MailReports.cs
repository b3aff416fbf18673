using System.Collections.Concurrent;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>What one report says about one unit in one period, shared by every recipient of it: the unit's targets
/// (<see cref="CoverageQueries.Targets"/>), its series, its appendix row(s), the lagging communes, the chart and (monthly
/// appendix) the attachment, (NCD kind) the cascade before disclosure. Figures of the latest snapshot at build time.</summary>
public sealed record MailReport(string Kind, UnitTargetsReport Targets, UnitSeries Series, CoverageTable Appendix, CoverageRow Own,
    IReadOnlyList<CoverageRow> Lagging, byte[] ChartPng, ReportFile? Attachment, CascadeRow? Cascade, NcdSuppression? Suppression)
{
    public KpiUnit Unit => Targets.Unit;
}

/// <summary>Builds each (unit, kind, period) report once (docs/mail.md, "Built once"), whatever the number of recipients;
/// the appendix of a province is read once per snapshot for all its communes.</summary>
public sealed class MailReports(CoverageQueries queries, NcdDataStore ncd, IReportArtifacts artifacts)
{
    const int LaggingShown = 10;
    readonly ConcurrentDictionary<(string Unit, string Kind, string Period), Lazy<MailReport>> built = new();
    readonly ConcurrentDictionary<(string Province, string Snapshot), Lazy<CoverageTable>> provinces = new();
    int builds;

    /// <summary>How many reports were built (not taken from the cache): for tests and the benchmark.</summary>
    public int Builds => builds;

    /// <exception cref="KpiNotFoundException">No snapshot has the unit.</exception>
    public MailReport For(string unitCode, string kind, string periodKey)
    {
        if (built.Count > 5000) built.Clear();
        if (provinces.Count > 200) provinces.Clear();
        var lazy = built.GetOrAdd((unitCode, kind, periodKey), k => new Lazy<MailReport>(() => Build(k.Unit, k.Kind)));
        try { return lazy.Value; }
        catch { built.TryRemove(new((unitCode, kind, periodKey), lazy)); throw; }
    }

    MailReport Build(string code, string kind)
    {
        Interlocked.Increment(ref builds);
        var targets = queries.Targets(code);
        var s = targets.Unit.Snapshot;
        var series = queries.Series(code, s.CodeSystem, s.AsOf);
        CoverageTable appendix;
        CoverageRow own;
        IReadOnlyList<CoverageRow> lagging;
        if (targets.Unit.Level == Warehouse.Reference.Levels.Commune)
        {
            var province = provinces.GetOrAdd((s.ProvinceCode, s.SnapshotId), k =>
                new Lazy<CoverageTable>(() => queries.Children(new CoverageRequest(k.Province) { SnapshotId = k.Snapshot }))).Value;
            own = province.Rows.Single(r => r.Code == code);
            // A commune's recipients see their own row only: it is the appendix's total row.
            appendix = province with { Parent = code, Rows = [], Total = own };
            lagging = [];
        }
        else
        {
            appendix = queries.Children(new CoverageRequest(code) { SnapshotId = s.SnapshotId });
            own = appendix.Total;
            lagging = [.. appendix.Rows.Where(r => r.Targets.FirstOrDefault()?.Meets == false)
                .OrderBy(r => r.CoveragePct).ThenBy(r => r.Code, StringComparer.Ordinal).Take(LaggingShown)];
        }
        CascadeRow? cascade = null;
        NcdSuppression? suppression = null;
        if (kind == ReportKinds.MonthlyNcd)
        {
            var data = ncd.Get(s);
            cascade = data.Cascades().FirstOrDefault(r => r.UnitCode == code);
            suppression = data.Suppression;
        }
        return new MailReport(kind, targets, series, appendix, own, lagging, artifacts.CoverageChartPng(series),
            kind == ReportKinds.MonthlyAppendix ? artifacts.AppendixWorkbook(appendix) : null, cascade, suppression);
    }
}
