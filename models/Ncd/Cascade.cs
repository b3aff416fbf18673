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

/// <summary>One step of a cascade as served: the count, its denominator named, the share; hidden parts null and
/// <c>suppressed</c> set (docs/definitions.md, "Disclosure control").</summary>
public sealed record CascadeStep(string Key, string Name, int? Count, int? Denominator, string? DenominatorName, double? Share, bool Suppressed);

public sealed record CascadeView(string SnapshotId, DateOnly AsOf, string Level, string UnitCode, string UnitName,
    IReadOnlyList<CascadeStep> Hypertension, IReadOnlyList<CascadeStep> Diabetes, IReadOnlyList<CascadeStep> Programme);

/// <summary>Which parts of a step to hide, given the disclosure keys of its count and of its denominator (null:
/// operational, never hidden): (count hidden, denominator hidden, hide shares over denominators of 1–4).</summary>
public delegate (bool Count, bool Denominator, bool SmallDenominators) StepDisclosure(string? countKey, string? denominatorKey);

public static class CascadeViews
{
    /// <summary>Build through <see cref="Disclosure.NcdSuppression.Disclose(CascadeRow, Disclosure.Audience)"/>.</summary>
    internal static CascadeView View(this CascadeRow r, StepDisclosure hide) => new(r.SnapshotId, r.AsOf, r.Level, r.UnitCode, r.UnitName,
        Steps(r.Hypertension, "htn", false, hide), Steps(r.Diabetes, "dm", true, hide), Steps(r.Programme, hide));

    static IReadOnlyList<CascadeStep> Steps(CascadeCounts c, string p, bool dm, StepDisclosure hide)
    {
        var (screen, raised, affected) = dm
            ? ("có xét nghiệm đường huyết đói/HbA1c trong 12 tháng", "đường huyết cao ở lần xét nghiệm gần nhất", "mắc đái tháo đường (đã chẩn đoán hoặc đường huyết cao)")
            : ("được đo huyết áp trong 12 tháng", "huyết áp ≥ 140/90 ở lần đo gần nhất", "mắc tăng huyết áp (đã chẩn đoán hoặc huyết áp cao)");
        // Keys of the disclosure pattern: the prevalence numerators at all/18+ where a step is the same count.
        string raisedKey = $"{p}_raised", affectedKey = $"{p}_adults", diagnosedKey = $"{p}_diagnosed", treatedKey = $"{p}_treated",
            controlledKey = $"{p}_controlled";
        return
        [
            Step("adults", "người ≥ 18 tuổi có hồ sơ", new Share(c.Adults, 0, ""), null, null, hide, withDenominator: false),
            Step("screened", screen, c.ScreenedOfAdults, null, null, hide),
            Step("raised", raised, c.RaisedOfScreened, raisedKey, null, hide),
            Step("affected", affected, c.AffectedOfAdults, affectedKey, null, hide),
            Step("diagnosed", "đã được chẩn đoán", c.DiagnosedOfAffected, diagnosedKey, affectedKey, hide),
            Step("treated", "đang điều trị (cấp thuốc trong 90 ngày)", c.TreatedOfDiagnosed, treatedKey, diagnosedKey, hide),
            Step("controlled", "kiểm soát (trong số đang điều trị)", c.ControlledOfTreated, controlledKey, treatedKey, hide),
            Step("controlled_of_affected", "kiểm soát (trong số người mắc)", c.ControlledOfAffected, controlledKey, affectedKey, hide),
        ];
    }

    static IReadOnlyList<CascadeStep> Steps(ProgrammeCounts p, StepDisclosure hide)
    {
        Share S(int n) => new(n, p.Patients, ProgrammeCounts.DenominatorName);
        return
        [
            Step("patients", ProgrammeCounts.DenominatorName, new Share(p.Patients, 0, ""), "prog_patients", null, hide, withDenominator: false),
            Step("controlled", "kiểm soát: lần đo gần nhất trong 3 tháng < 140/90", S(p.Controlled), "prog_controlled", "prog_patients", hide),
            Step("uncontrolled", "chưa kiểm soát: lần đo gần nhất trong 3 tháng ≥ 140/90", S(p.Uncontrolled), "prog_uncontrolled", "prog_patients", hide),
            Step("missed_visit", "bỏ tái khám: không có lượt khám trong 3 tháng", S(p.MissedVisit), "prog_missed_visit", "prog_patients", hide),
            Step("visited_without_bp", "có khám trong 3 tháng nhưng không đo huyết áp", S(p.VisitedWithoutBp), "prog_no_bp", "prog_patients", hide),
        ];
    }

    static CascadeStep Step(string key, string name, Share s, string? countKey, string? denominatorKey, StepDisclosure disclosure,
        bool withDenominator = true)
    {
        var (countHidden, denominatorHidden, small) = disclosure(countKey, denominatorKey);
        var denominatorShown = withDenominator && !denominatorHidden;
        // A share over 1–4 people of a health count says what each of them has.
        var overFew = small && countKey is not null && Disclosure.Disclosure.IsSmall(s.Denominator);
        var shareShown = withDenominator && !countHidden && !denominatorHidden && !overFew;
        return new CascadeStep(key, name, countHidden ? null : s.Numerator, denominatorShown ? s.Denominator : null,
            withDenominator ? s.DenominatorName : null, shareShown ? s.Value : null,
            countHidden || (withDenominator && (denominatorHidden || overFew)));
    }
}
