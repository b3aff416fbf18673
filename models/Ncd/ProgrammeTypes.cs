namespace HoSoSucKhoe.Models.Ncd;

/// <summary>The two control programmes, by their route key: <c>htn</c> (hypertension) and <c>dm</c> (diabetes).</summary>
public static class ProgrammeDiseases
{
    /// <summary>Hypertension: control = last usable blood pressure within 3 months below 140/90.</summary>
    public const string Hypertension = "htn";

    /// <summary>Diabetes: control = last usable HbA1c &lt; 7 % or fasting glucose &lt; 7.0 mmol/L within 3 months.</summary>
    public const string Diabetes = "dm";

    /// <summary>Both keys, hypertension first.</summary>
    public static readonly IReadOnlyList<string> All = [Hypertension, Diabetes];

    /// <summary>Whether <paramref name="key"/> is one of <see cref="All"/> (ordinal).</summary>
    public static bool IsKnown(string? key) => key is Hypertension or Diabetes;

    /// <summary>The programme's Vietnamese name.</summary>
    public static string Name(string key) => key == Diabetes ? "đái tháo đường" : "tăng huyết áp";

    /// <summary>What "visited without a measurement" means for the programme, in Vietnamese.</summary>
    public static string MeasurementName(string key) =>
        key == Diabetes ? "có khám trong 3 tháng nhưng không có xét nghiệm HbA1c/đường huyết đói" : "có khám trong 3 tháng nhưng không đo huyết áp";
}

/// <summary>Where a month's figures come from: <c>snapshot</c> (the snapshot loaded for that month, at its as_of) or
/// <c>history</c> (the visit history inside the latest snapshot, evaluated at the month's last day).</summary>
public static class ProgrammeSources
{
    /// <summary>The month's own snapshot.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>The latest snapshot's visit history.</summary>
    public const string History = "history";
}

/// <summary>Raw counts of one unit, disease and month (never served as they are: see <see cref="ProgrammeMonth"/>).
/// <see cref="UnderCare"/> = <see cref="Controlled"/> + <see cref="Uncontrolled"/> + <see cref="MissedVisit"/> +
/// <see cref="VisitedWithoutMeasurement"/>; <see cref="LostToFollowUp"/> is outside <see cref="UnderCare"/>.</summary>
public readonly record struct ProgrammeMonthCounts(int UnderCare, int Controlled, int Uncontrolled, int MissedVisit,
    int VisitedWithoutMeasurement, int LostToFollowUp);

/// <summary>Raw counts of one registration cohort (unit × disease × quarter):
/// <see cref="Registered"/> = the four outcomes' sum.</summary>
public readonly record struct ProgrammeCohortCounts(int Registered, int Controlled, int Uncontrolled, int MissedVisit,
    int VisitedWithoutMeasurement);

/// <summary>
/// The programme indicators of one unit (province or commune) for one month, as the audience may see them
/// (docs/models.md, "Programme indicators over time").
/// <para><see cref="Month"/>: the first day of the month; <see cref="EvaluatedAt"/>: the date the status is taken at
/// (the source snapshot's as_of for a <c>snapshot</c> month, else the month's last day, never after the latest as_of).
/// <see cref="Source"/>: <see cref="ProgrammeSources"/>; <see cref="SourceSnapshotId"/>: the snapshot read.
/// <see cref="Bridged"/>: a legacy snapshot's communes allocated to this 2025 unit through dim_unit_bridge;
/// <see cref="Approximate"/>: a partial link or a legacy commune without rows was involved (counts then rounded).</para>
/// <para><see cref="Denominator"/> = <see cref="UnderCare"/>, or UnderCare + <see cref="LostToFollowUp"/> when
/// <see cref="IncludeLost"/>; every share is over <see cref="Denominator"/> (<see cref="LostToFollowUpShare"/> only when
/// <see cref="IncludeLost"/>, else null).</para>
/// <para>Suppression: a hidden count is null, every share computed from it (or over a hidden or 1–4 denominator) is
/// null, and <see cref="Suppressed"/> is set when anything in the row is hidden. The unit's own commune officer sees
/// it raw.</para>
/// </summary>
public sealed record ProgrammeMonth(
    string Disease, string Level, string UnitCode, string UnitName, DateOnly Month, DateOnly EvaluatedAt,
    string Source, string SourceSnapshotId, string CodeSystem, bool Bridged, bool Approximate, bool IncludeLost,
    string DenominatorName, int? Denominator, int? UnderCare, int? Controlled, int? Uncontrolled, int? MissedVisit,
    int? VisitedWithoutMeasurement, int? LostToFollowUp,
    double? ControlledShare, double? UncontrolledShare, double? MissedVisitShare, double? VisitedWithoutMeasurementShare,
    double? LostToFollowUpShare, bool Suppressed);

/// <summary>
/// One quarterly registration cohort of one unit: the patients first registered (diagnosed) in
/// <see cref="RegisteredFrom"/>–<see cref="RegisteredTo"/>, alive at <see cref="OutcomeTo"/>, and their outcome in the
/// following quarter (<see cref="OutcomeFrom"/>–<see cref="OutcomeTo"/>): controlled / uncontrolled at the last
/// measurement of that quarter, visited without a measurement, or missed (no visit in that quarter).
/// <see cref="Quarter"/>: the registration quarter as "yyyy-Qn". Shares are over <see cref="Registered"/>.
/// Suppression as <see cref="ProgrammeMonth"/>.
/// </summary>
public sealed record ProgrammeCohort(
    string Disease, string Level, string UnitCode, string UnitName, string Quarter, DateOnly RegisteredFrom, DateOnly RegisteredTo,
    DateOnly OutcomeFrom, DateOnly OutcomeTo, string SourceSnapshotId,
    int? Registered, int? Controlled, int? Uncontrolled, int? MissedVisit, int? VisitedWithoutMeasurement,
    double? ControlledShare, double? UncontrolledShare, double? MissedVisitShare, double? VisitedWithoutMeasurementShare,
    bool Suppressed);

/// <summary>One month's indicators: the province row first, then its communes (code order); only the requested unit
/// when one was given. <see cref="SnapshotId"/>/<see cref="AsOf"/>: the latest snapshot the figures are relative to.</summary>
public sealed record ProgrammeTable(string Disease, string DiseaseName, DateOnly ReferenceMonth, bool IncludeLost,
    string SnapshotId, DateOnly AsOf, IReadOnlyList<ProgrammeMonth> Rows);

/// <summary>The monthly indicators over <see cref="From"/>–<see cref="To"/> (first days of months), rows oldest month
/// first, within a month the province then its communes; every row states its <see cref="ProgrammeMonth.Source"/>.</summary>
public sealed record ProgrammeTrend(string Disease, string DiseaseName, DateOnly From, DateOnly To, bool IncludeLost,
    string SnapshotId, DateOnly AsOf, IReadOnlyList<ProgrammeMonth> Rows);

/// <summary>The registration cohorts of the latest snapshot's history, oldest quarter first, within a quarter the
/// province then its communes.</summary>
public sealed record ProgrammeCohorts(string Disease, string DiseaseName, string SnapshotId, DateOnly AsOf,
    IReadOnlyList<ProgrammeCohort> Rows);

/// <summary>A bad parameter of a programme query; <see cref="Exception.Message"/> is Vietnamese and names it.</summary>
public sealed class ProgrammeParameterException(string message) : ArgumentException(message);
