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

/// <summary>Builds each (unit, period) report once (docs/mail.md, "Built once"), whatever the number of recipients and
/// kinds: the figures and the chart once, the workbook once when an appendix kind asks for it, the cascade once when the
/// NCD kind does; the appendix of a province is read once per snapshot for all its communes. Thread-safe: the dispatcher
/// builds ahead in parallel while it sends.</summary>
public sealed class MailReports(CoverageQueries queries, NcdDataStore ncd, IReportArtifacts artifacts)
{
    const int LaggingShown = 10;

    /// <summary>The kind-independent part of a report, and its kind-specific parts built on first use.</summary>
    sealed class Built(MailReport core, Func<ReportFile> workbook, Func<(CascadeRow?, NcdSuppression?)> cascade)
    {
        public MailReport Core { get; } = core;
        public Lazy<ReportFile> Workbook { get; } = new(workbook);
        public Lazy<(CascadeRow? Row, NcdSuppression? Suppression)> Cascade { get; } = new(cascade);
    }

    readonly ConcurrentDictionary<(string Unit, string Period), Lazy<Built>> built = new();
    readonly ConcurrentDictionary<(string Province, string Snapshot), Lazy<CoverageTable>> provinces = new();
    int builds;

    /// <summary>How many (unit, period) reports were built (not taken from the cache): for tests and the benchmark.</summary>
    public int Builds => builds;

    /// <summary>Forgets every report: the dispatcher calls it at the start of each batch, so that a batch reads the latest
    /// snapshot at its time and builds each (unit, period) once.</summary>
    public void Clear()
    {
        built.Clear();
        provinces.Clear();
    }

    /// <exception cref="KpiNotFoundException">No snapshot has the unit.</exception>
    public MailReport For(string unitCode, string kind, string periodKey)
    {
        var lazy = built.GetOrAdd((unitCode, periodKey), k => new Lazy<Built>(() => Build(k.Unit)));
        Built b;
        try { b = lazy.Value; }
        catch { built.TryRemove(new((unitCode, periodKey), lazy)); throw; }
        return kind switch
        {
            ReportKinds.MonthlyAppendix => b.Core with { Kind = kind, Attachment = b.Workbook.Value },
            ReportKinds.MonthlyNcd => b.Core with { Kind = kind, Cascade = b.Cascade.Value.Row, Suppression = b.Cascade.Value.Suppression },
            _ => b.Core with { Kind = kind },
        };
    }

    Built Build(string code)
    {
        Interlocked.Increment(ref builds);
        // Targets fits its projections to the unit's series: the same series draws the chart (one series query, not two).
        var (targets, series) = queries.TargetsAndSeries(code);
        var s = targets.Unit.Snapshot;
        CoverageTable appendix;
        CoverageRow own;
        IReadOnlyList<CoverageRow> lagging;
        if (targets.Unit.Level == Warehouse.Reference.Levels.Commune)
        {
            // Every commune of a province from one appendix query of the province per snapshot.
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
        var core = new MailReport(ReportKinds.WeeklyCoverage, targets, series, appendix, own, lagging, artifacts.CoverageChartPng(series),
            null, null, null);
        return new Built(core, () => artifacts.AppendixWorkbook(appendix), () =>
        {
            var data = ncd.Get(s);
            return (data.Cascades().FirstOrDefault(r => r.UnitCode == code), data.Suppression);
        });
    }
}
