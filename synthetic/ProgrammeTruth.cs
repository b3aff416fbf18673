namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// The programme statuses of docs/models.md ("Programme indicators over time") for one written record, from its
/// written rows: per disease, the monthly status at the snapshot's date and at the last day of each of the 17
/// months before (offset k), and the quarterly registration cohorts (quarter offset 1–7 before the snapshot's).
/// </summary>
internal static class ProgrammeTruth
{
    public const int Months = 18;
    public const int Quarters = 8;
    /// <summary>Monthly counts in truth.json order.</summary>
    public static readonly string[] MonthNames = ["under_care", "controlled", "uncontrolled", "missed_visit", "no_measure", "lost"];
    public static readonly string[] CohortNames = ["registered", "controlled", "uncontrolled", "missed_visit", "no_measure"];
    /// <summary>Returned after a loss: lost (no visit in 12 months) at some month of the 18 and under care at a later one.</summary>
    public const int Returned = 6;
    /// <summary>Moved: registered by the snapshot's date, and the record's commune changed on or before it.</summary>
    public const int Moved = 7;

    public static int MonthIndex(int disease, int k, int count) => (disease * Months + k) * (MonthNames.Length + 2) + count;
    public static int CohortIndex(int disease, int q, int count) => (disease * Quarters + q) * CohortNames.Length + count;

    public static void Tally(SnapshotContext ctx, in PersonRow row, HistoryBuffer history, bool moved, WardTally t)
    {
        var day = ctx.Day;
        int? htnFirst = row.HxHypertension == true ? row.CreatedDate : null, dmFirst = row.HxDiabetes == true ? row.CreatedDate : null;
        foreach (var v in history.Visits)
        {
            if (v.Day > day) continue;
            if (HasCode(v, IcdCodes.IsHypertension)) htnFirst = Min(htnFirst, v.Day);
            if (HasCode(v, IcdCodes.IsDiabetes)) dmFirst = Min(dmFirst, v.Day);
        }
        foreach (var m in history.Meds)
        {
            var d = Calendar.DayOfUnixSeconds(m.Time);
            if (d > day) continue;
            if (m.Class == DrugClass.Antihypertensive) htnFirst = Min(htnFirst, d);
            if (m.Class == DrugClass.Antidiabetic) dmFirst = Min(dmFirst, d);
        }
        if (htnFirst is { } h) Disease(ctx, row, history, 0, h, t);
        if (dmFirst is { } g) Disease(ctx, row, history, 1, g, t);
        if (moved && htnFirst is not null) t.Programme[MonthIndex(0, 0, Moved)]++;
        if (moved && dmFirst is not null) t.Programme[MonthIndex(1, 0, Moved)]++;
    }

    static int? Min(int? a, int b) => a is { } x && x <= b ? x : b;

    static void Disease(SnapshotContext ctx, in PersonRow row, HistoryBuffer history, int disease, int first, WardTally t)
    {
        var asOf = ctx.AsOf;
        var own = new DateOnly(asOf.Year, asOf.Month, 1);
        var wasLost = false;
        var returned = false;
        for (var k = Months - 1; k >= 0; k--)
        {
            var d = k == 0 ? asOf : own.AddMonths(-k).AddMonths(1).AddDays(-1);
            var m3 = d.AddMonths(-3).DayNumber;
            var dn = d.DayNumber;
            if (first > m3 || (row.DeathDate is { } death && death <= dn)) continue;
            var lastVisit = int.MinValue;
            foreach (var v in history.Visits)
                if (v.Day <= dn && v.Day > lastVisit) lastVisit = v.Day;
            var (mDay, bad) = Measurement(history, disease, int.MinValue, dn);
            int status;
            if (lastVisit == int.MinValue || lastVisit <= dn - 365) status = 5;
            else if (lastVisit <= m3) status = 3;
            else if (mDay > m3) status = bad ? 2 : 1;
            else status = 4;
            if (status == 5) wasLost = true;
            else if (wasLost) returned = true;
            if (status != 5) t.Programme[MonthIndex(disease, k, 0)]++;
            t.Programme[MonthIndex(disease, k, status)]++;
        }
        if (returned) t.Programme[MonthIndex(disease, 0, Returned)]++;

        var quarterStart = new DateOnly(asOf.Year, (asOf.Month - 1) / 3 * 3 + 1, 1);
        for (var q = 1; q < Quarters; q++)
        {
            var qs = quarterStart.AddMonths(-3 * q);
            var o1 = qs.AddMonths(3);
            var o2 = qs.AddMonths(6).AddDays(-1);
            if (o2 > asOf || qs < own.AddMonths(-17)) continue;
            if (first < qs.DayNumber || first >= o1.DayNumber) continue;
            if (row.DeathDate is { } death && death <= o2.DayNumber) continue;
            var visited = false;
            foreach (var v in history.Visits) visited |= v.Day >= o1.DayNumber && v.Day <= o2.DayNumber;
            var (mDay, bad) = Measurement(history, disease, o1.DayNumber - 1, o2.DayNumber);
            var outcome = !visited ? 3 : mDay >= o1.DayNumber ? (bad ? 2 : 1) : 4;
            t.Cohort[CohortIndex(disease, q, 0)]++;
            t.Cohort[CohortIndex(disease, q, outcome)]++;
        }
    }

    /// <summary>The last usable measurement in (after, until]: its day (int.MinValue: none) and whether it is not controlled.
    /// Diabetes: per result time, an HbA1c decides (≥ 7 %), else the fasting glucose (≥ 7.0 mmol/L).</summary>
    static (int Day, bool Bad) Measurement(HistoryBuffer history, int disease, int after, int until)
    {
        if (disease == 0)
        {
            Visit? best = null;
            foreach (var v in history.Visits)
                if (v.UsableBp && v.Day > after && v.Day <= until && (best is null || v.Time > best.Value.Time)) best = v;
            return best is { } b ? (b.Day, b.Systolic >= 140 || b.Diastolic >= 90) : (int.MinValue, false);
        }
        long bestTime = long.MinValue;
        foreach (var lab in history.Labs)
        {
            var d = Calendar.DayOfUnixSeconds(lab.Time);
            if (!lab.Reading.Usable || d <= after || d > until || lab.Test is not (LabReading.FastingGlucose or LabReading.HbA1c)) continue;
            bestTime = Math.Max(bestTime, lab.Time);
        }
        if (bestTime == long.MinValue) return (int.MinValue, false);
        double a1c = double.NegativeInfinity, fpg = double.NegativeInfinity;
        foreach (var lab in history.Labs)
        {
            if (lab.Time != bestTime || !lab.Reading.Usable) continue;
            if (lab.Test == LabReading.HbA1c) a1c = Math.Max(a1c, lab.Reading.Value);
            else if (lab.Test == LabReading.FastingGlucose) fpg = Math.Max(fpg, lab.Reading.Value);
        }
        return (Calendar.DayOfUnixSeconds(bestTime), !double.IsNegativeInfinity(a1c) ? a1c >= 7 : fpg >= 7.0);
    }

    static bool HasCode(in Visit v, Func<string, bool> isCode)
    {
        if (v.IcdMain is { } main && isCode(main)) return true;
        if (v.IcdOther is null) return false;
        foreach (var code in v.IcdOther.Split(';'))
            if (isCode(code.Trim())) return true;
        return false;
    }
}
