using System.Data;
using Dapper;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>What one snapshot's NCD figures are computed from: its cells and unit names.</summary>
public sealed record NcdData(LoadedSnapshot Snapshot, IReadOnlyList<Cell> Cells, string ProvinceName, IReadOnlyDictionary<string, string> CommuneNames)
{
    /// <summary>Reads a snapshot's cells (written by the load, or at open for older warehouses: models/Pipeline).</summary>
    public static NcdData Load(WarehouseDb db, LoadedSnapshot s)
    {
        using var c = db.Open();
        return new NcdData(s, Cell.Read(c, s.SnapshotId), ReadProvinceName(c, s), ReadCommuneNames(c, s));
    }

    /// <summary>Commune names of the snapshot's code system in force on its date.</summary>
    public static Dictionary<string, string> ReadCommuneNames(IDbConnection c, LoadedSnapshot s) =>
        c.Query<(string Code, string Name)>("""
            SELECT code, full_name FROM dim_admin_unit
            WHERE code_system = $cs AND level = $level AND province_code = $p
              AND valid_from <= $d AND (valid_to IS NULL OR $d < valid_to)
            """, new { cs = s.CodeSystem, level = Levels.Commune, p = s.ProvinceCode, d = s.AsOf.ToDateTime(TimeOnly.MinValue) })
            .ToDictionary(r => r.Code, r => r.Name);

    public static string ReadProvinceName(IDbConnection c, LoadedSnapshot s) =>
        c.QueryFirstOrDefault<string>("""
            SELECT full_name FROM dim_admin_unit WHERE code_system = $cs AND level = $level AND code = $p
            ORDER BY valid_from DESC LIMIT 1
            """, new { cs = s.CodeSystem, level = Levels.Province, p = s.ProvinceCode }) ?? s.ProvinceCode;

    NcdSuppression? suppression;

    /// <summary>For the national table (<see cref="NationalNcd"/>): the provinces pooled, one unit each; empty for a
    /// province's own snapshot.</summary>
    public IReadOnlyList<NcdData> Provinces { get; init; } = [];

    /// <summary>The snapshot's suppression pattern (computed once per instance): every output goes through it. The
    /// national one keeps each province's counts as the province's own pattern shows or hides them.</summary>
    public NcdSuppression Suppression => suppression ??= Provinces.Count == 0 ? new NcdSuppression(this) : new NcdSuppression(this, Elsewhere());

    Func<NcdKey, bool?> Elsewhere()
    {
        var own = Provinces.ToDictionary(p => p.Snapshot.ProvinceCode, p => p.Suppression);
        return key => own.TryGetValue(key.Unit, out var p) && p.Cells.ContainsKey(key) ? p.Pattern.Hides(key) : null;
    }

    readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string), Lazy<IReadOnlyList<PrevalenceEstimate>>> prevalence = new();

    /// <summary>Raw estimates (smoothing variance from the publishable communes), computed once per instance like the
    /// suppression pattern (the instance lives until the data changes, <see cref="NcdDataStore"/>); serve them through
    /// <see cref="NcdSuppression.Disclose(PrevalenceEstimate, Measure, AgeGroup, Audience)"/>.</summary>
    public IReadOnlyList<PrevalenceEstimate> Prevalence(Measure m, string sex, AgeGroup group) =>
        prevalence.GetOrAdd((m.Key, sex, group.Label), _ => new Lazy<IReadOnlyList<PrevalenceEstimate>>(() =>
            Burden.Estimate(Snapshot, Cells, m, sex, group, ProvinceName, CommuneNames, code => Suppression.Publishes(m, code, sex, group)))).Value;

    public List<CascadeRow> Cascades() => Ncd.Cascades.Rows(Snapshot, Cells, ProvinceName, CommuneNames);

    /// <summary>The record-based figure comparable to each STEPS anchor (province, both sexes, standardised over the
    /// anchor's age range).</summary>
    public List<AnchorComparison> Anchors() =>
        Burden.Anchors.Select(a =>
        {
            var e = Burden.Estimate(Snapshot, Cells, Measure.Find(a.Measure)!, "all", a.Ages, ProvinceName, new Dictionary<string, string>())[0];
            return new AnchorComparison(a.Survey, a.Description, a.Measure, a.Ages.Label, a.Value, e.Crude, e.Standardised, e.StandardisedLo,
                e.StandardisedHi, e.Denominator);
        }).ToList();
}

/// <summary>A STEPS figure and the warehouse's record-based figure for the same measure and ages.</summary>
public sealed record AnchorComparison(string Survey, string Description, string Measure, string Ages, double SurveyValue,
    double? RecordCrude, double? RecordStandardised, double? RecordStandardisedLo, double? RecordStandardisedHi, int? RecordDenominator);
