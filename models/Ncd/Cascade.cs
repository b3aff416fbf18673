using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>Care cascade counts of one unit (docs/definitions.md): screened ⊂ adults; hypertensive over adults;
/// diagnosed over hypertensive; treated over diagnosed; controlled over treated and over hypertensive.</summary>
public sealed record CascadeCounts(int Adults, int Screened, int Raised, int Affected, int Diagnosed, int Treated, int Controlled)
{
    public Share ScreenedOfAdults => new(Screened, Adults, "người ≥ 18 tuổi");
    public Share RaisedOfScreened => new(Raised, Screened, "người được sàng lọc trong 12 tháng");
    public Share AffectedOfAdults => new(Affected, Adults, "người ≥ 18 tuổi");
    public Share DiagnosedOfAffected => new(Diagnosed, Affected, "người mắc (đã chẩn đoán hoặc chỉ số cao)");
    public Share TreatedOfDiagnosed => new(Treated, Diagnosed, "người đã chẩn đoán");
    public Share ControlledOfTreated => new(Controlled, Treated, "người đang điều trị");
    public Share ControlledOfAffected => new(Controlled, Affected, "người mắc (đã chẩn đoán hoặc chỉ số cao)");
}

/// <summary>numerator / denominator, with the denominator named on every figure.</summary>
public sealed record Share(int Numerator, int Denominator, string DenominatorName)
{
    public double? Value => Denominator > 0 ? (double)Numerator / Denominator : null;
}

/// <summary>Programme indicators (Simple / HEARTS360) of the month ending as_of, over registered HTN patients.</summary>
public sealed record ProgrammeCounts(int Patients, int Controlled, int Uncontrolled, int MissedVisit, int VisitedWithoutBp)
{
    public const string DenominatorName =
        "bệnh nhân tăng huyết áp đã chẩn đoán ≥ 3 tháng, còn sống, có lượt khám trong 12 tháng";
    public double? ControlledShare => Patients > 0 ? (double)Controlled / Patients : null;
    public double? UncontrolledShare => Patients > 0 ? (double)Uncontrolled / Patients : null;
    public double? MissedVisitShare => Patients > 0 ? (double)MissedVisit / Patients : null;
    public double? VisitedWithoutBpShare => Patients > 0 ? (double)VisitedWithoutBp / Patients : null;
}

public sealed record CascadeRow(string SnapshotId, DateOnly AsOf, string Level, string UnitCode, string UnitName,
    CascadeCounts Hypertension, CascadeCounts Diabetes, ProgrammeCounts Programme);

public static class Cascades
{
    public static CascadeCounts Htn(IEnumerable<Cell> cells)
    {
        int a = 0, s = 0, r = 0, h = 0, d = 0, t = 0, c = 0;
        foreach (var x in cells)
        {
            a += x.Adults; s += x.HtnScreened; r += x.HtnRaised; h += x.HtnHypertensive;
            d += x.HtnDiagnosed; t += x.HtnTreated; c += x.HtnControlled;
        }
        return new(a, s, r, h, d, t, c);
    }

    public static CascadeCounts Dm(IEnumerable<Cell> cells)
    {
        int a = 0, s = 0, r = 0, h = 0, d = 0, t = 0, c = 0;
        foreach (var x in cells)
        {
            a += x.Adults; s += x.DmScreened; r += x.DmRaised; h += x.DmHyperglycaemic;
            d += x.DmDiagnosed; t += x.DmTreated; c += x.DmControlled;
        }
        return new(a, s, r, h, d, t, c);
    }

    public static ProgrammeCounts Programme(IEnumerable<Cell> cells)
    {
        int p = 0, c = 0, u = 0, m = 0, n = 0;
        foreach (var x in cells)
        {
            p += x.ProgPatients; c += x.ProgControlled; u += x.ProgUncontrolled; m += x.ProgMissedVisit; n += x.ProgNoBp;
        }
        return new(p, c, u, m, n);
    }

    /// <summary>Province row first, then every commune of the snapshot's code system.</summary>
    public static List<CascadeRow> Rows(LoadedSnapshot s, IReadOnlyList<Cell> cells, string provinceName, IReadOnlyDictionary<string, string> communeNames)
    {
        var rows = new List<CascadeRow> { new(s.SnapshotId, s.AsOf, Levels.Province, s.ProvinceCode, provinceName, Htn(cells), Dm(cells), Programme(cells)) };
        var byWard = cells.GroupBy(c => c.WardCode).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var code in communeNames.Keys.Union(byWard.Keys).Order(StringComparer.Ordinal))
        {
            var cs = byWard.GetValueOrDefault(code) ?? [];
            rows.Add(new(s.SnapshotId, s.AsOf, Levels.Commune, code, communeNames.GetValueOrDefault(code) ?? code, Htn(cs), Dm(cs), Programme(cs)));
        }
        return rows;
    }
}

/// <summary>One step of a cascade as served: the count, its denominator named, the share; counts of 1–4 hidden
/// (with the share) when <c>suppressed</c>.</summary>
public sealed record CascadeStep(string Key, string Name, int? Count, int? Denominator, string? DenominatorName, double? Share, bool Suppressed);

public sealed record CascadeView(string SnapshotId, DateOnly AsOf, string Level, string UnitCode, string UnitName,
    IReadOnlyList<CascadeStep> Hypertension, IReadOnlyList<CascadeStep> Diabetes, IReadOnlyList<CascadeStep> Programme);

public static class CascadeViews
{
    public static CascadeView View(this CascadeRow r, bool suppress) => new(r.SnapshotId, r.AsOf, r.Level, r.UnitCode, r.UnitName,
        Steps(r.Hypertension, false, suppress), Steps(r.Diabetes, true, suppress), Steps(r.Programme, suppress));

    static IReadOnlyList<CascadeStep> Steps(CascadeCounts c, bool dm, bool suppress)
    {
        var (screen, raised, affected) = dm
            ? ("có xét nghiệm đường huyết đói/HbA1c trong 12 tháng", "đường huyết cao ở lần xét nghiệm gần nhất", "mắc đái tháo đường (đã chẩn đoán hoặc đường huyết cao)")
            : ("được đo huyết áp trong 12 tháng", "huyết áp ≥ 140/90 ở lần đo gần nhất", "mắc tăng huyết áp (đã chẩn đoán hoặc huyết áp cao)");
        return
        [
            Step("adults", "người ≥ 18 tuổi có hồ sơ", new Share(c.Adults, 0, ""), suppress, withDenominator: false),
            Step("screened", screen, c.ScreenedOfAdults, suppress),
            Step("raised", raised, c.RaisedOfScreened, suppress),
            Step("affected", affected, c.AffectedOfAdults, suppress),
            Step("diagnosed", "đã được chẩn đoán", c.DiagnosedOfAffected, suppress),
            Step("treated", "đang điều trị (cấp thuốc trong 90 ngày)", c.TreatedOfDiagnosed, suppress),
            Step("controlled", "kiểm soát (trong số đang điều trị)", c.ControlledOfTreated, suppress),
            Step("controlled_of_affected", "kiểm soát (trong số người mắc)", c.ControlledOfAffected, suppress),
        ];
    }

    static IReadOnlyList<CascadeStep> Steps(ProgrammeCounts p, bool suppress)
    {
        Share S(int n) => new(n, p.Patients, ProgrammeCounts.DenominatorName);
        return
        [
            Step("patients", ProgrammeCounts.DenominatorName, new Share(p.Patients, 0, ""), suppress, withDenominator: false),
            Step("controlled", "kiểm soát: lần đo gần nhất trong 3 tháng < 140/90", S(p.Controlled), suppress),
            Step("uncontrolled", "chưa kiểm soát: lần đo gần nhất trong 3 tháng ≥ 140/90", S(p.Uncontrolled), suppress),
            Step("missed_visit", "bỏ tái khám: không có lượt khám trong 3 tháng", S(p.MissedVisit), suppress),
            Step("visited_without_bp", "có khám trong 3 tháng nhưng không đo huyết áp", S(p.VisitedWithoutBp), suppress),
        ];
    }

    static CascadeStep Step(string key, string name, Share s, bool suppress, bool withDenominator = true)
    {
        var hide = suppress && (Burden.IsSmall(s.Numerator) || (withDenominator && Burden.IsSmall(s.Denominator)));
        return new CascadeStep(key, name, hide ? null : s.Numerator,
            withDenominator ? (suppress && Burden.IsSmall(s.Denominator) ? null : s.Denominator) : null,
            withDenominator ? s.DenominatorName : null, hide || !withDenominator ? null : s.Value, hide);
    }
}
