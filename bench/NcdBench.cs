using System.Diagnostics;
using Dapper;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Bench;

/// <summary>Seconds taken by the NCD work on a loaded warehouse (for the lead's benchmark).</summary>
public sealed record NcdTimings(double EstimatesSeconds, double CaseDefinitionsSeconds, double ModelSeconds, int Snapshots, long Adults);

public static class NcdBenchmark
{
    /// <summary>
    /// Recomputes the case definitions of every loaded snapshot (what the after-load step does), then every estimate
    /// the API serves for every snapshot (cascades, all measures × sexes × age groups with CIs and smoothing, anchors,
    /// province comorbidity, clusters): <see cref="NcdTimings.EstimatesSeconds"/> covers both. Then trains the risk model
    /// and scores the latest snapshot: <see cref="NcdTimings.ModelSeconds"/>. Rewrites ncd_* tables only.
    /// </summary>
    public static NcdTimings Run(WarehouseDb db)
    {
        var total = Stopwatch.StartNew();
        using (var c = db.Open()) c.Execute("DELETE FROM ncd_done");
        NcdMarts.EnsureComputed(db);
        var caseDefinitions = total.Elapsed.TotalSeconds;

        List<LoadedSnapshot> snapshots;
        using (var c = db.Open()) snapshots = [.. SnapshotCatalog.All(c)];
        foreach (var s in snapshots)
        {
            var data = NcdData.Load(db, s);
            data.Cascades();
            data.Anchors();
            foreach (var m in Measure.All)
            foreach (var sex in Burden.Sexes)
            foreach (var g in AgeStandard.Groups)
                data.Prevalence(m, sex, g);
            using (var c = db.Open()) Comorbidity.Compute(c, s.SnapshotId, s.ProvinceCode, null);
            Clusters.Compute(s, data.Cells, data.CommuneNames, data.Suppression);
        }
        var estimates = total.Elapsed.TotalSeconds;

        var model = Stopwatch.StartNew();
        var models = new RiskModels(db);
        models.Train();
        models.Refresh();
        long adults;
        using (var c = db.Open())
            adults = snapshots.Count == 0 ? 0 : c.ExecuteScalar<long>("SELECT count(*) FROM ncd_person WHERE snapshot_id = $s", new { s = snapshots[^1].SnapshotId });
        return new NcdTimings(estimates, caseDefinitions, model.Elapsed.TotalSeconds, snapshots.Count, adults);
    }

    /// <summary>The model card's figures as the bench prints them: both models on all test rows, then on the risk
    /// list's population and on the rest (rows, events, AUC, Brier, top-decile yield), and which model ranks the list.</summary>
    public static IEnumerable<string> ModelLines(ModelCard card)
    {
        yield return $"  model: {string.Join("; ", new[] { card.Model, card.Baseline }.Select(m => $"{m.Name} AUC {m.Auc:0.000} Brier {m.Brier:0.0000}"))}";
        foreach (var p in card.Populations ?? [])
            yield return $"  {p.Key} ({p.Rows:N0} rows, {(p.Positives is { } n ? $"{n:N0}" : "hidden")} events): " +
                         string.Join("; ", p.Models.Select(m => $"{m.Key} AUC {m.Auc:0.000} Brier {m.Brier:0.0000} top-decile yield {m.TopDecile?.Yield:P1}"));
        if (card.ListRanking is { } r) yield return $"  list ranked by: {r.Model} ({r.Reason})";
    }
}
