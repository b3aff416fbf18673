using HoSoSucKhoe.Models.Disclosure;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>The sheets of the appendix workbook (any combination; the notes sheet is always written).</summary>
[Flags]
public enum WorkbookSheets
{
    /// <summary>The official appendix table (Bắc Từ Liêm layout).</summary>
    Appendix = 1,
    /// <summary>The unit's coverage across snapshots and the projected date of each target.</summary>
    Trend = 2,
    /// <summary>Priority groups (HCMC plan 3160/KH-UBND), through the disclosure rule.</summary>
    PriorityGroups = 4,
    /// <summary>Completeness of the mandatory data groups.</summary>
    Completeness = 8,
    /// <summary>Data-quality counts.</summary>
    DataQuality = 16,
    /// <summary>Hypertension and diabetes for epidemiologists (cascades, prevalence), through the disclosure rule.</summary>
    Ncd = 32,
    /// <summary>Definitions, snapshot, data version, generation time and requesting user.</summary>
    Notes = 64,
    /// <summary>The coverage chart, the province's coverage map (2025 snapshots) and the trend chart, as pictures.</summary>
    Charts = 128,
    /// <summary>The hypertension and diabetes control programmes for epidemiologists (latest month by commune, the province's
    /// 18-month trend, registration cohorts), through the disclosure rule.</summary>
    Programme = 256,
    All = Appendix | Charts | Trend | PriorityGroups | Completeness | DataQuality | Ncd | Programme | Notes,
}

/// <summary>
/// What <see cref="AppendixWorkbook.Build"/> lays out. <see cref="Unit"/>: a province (2 digits: its communes), a legacy
/// district (3 digits: its old communes, legacy snapshots only) or a commune (5 digits: its own row, for its officer).
/// Access is the caller's business (the API checks scope and role before building); <see cref="Audience"/> decides the
/// disclosure control exactly as the API applies it (health figures suppressed unless the viewer is the unit's own
/// commune officer).
/// </summary>
public sealed record AppendixWorkbookRequest(string Unit)
{
    /// <summary>The snapshot; default the latest containing the unit (as the API's coverage endpoints choose).</summary>
    public string? SnapshotId { get; init; }

    /// <summary>Top-left issuing unit, one line per element; default "SỞ Y TẾ " + the province's full name in capitals.</summary>
    public IReadOnlyList<string>? IssuingUnit { get; init; }

    /// <summary>Place of the date line ("Bắc Từ Liêm, ngày … tháng … năm 2024"); default the unit's short name.</summary>
    public string? Place { get; init; }

    /// <summary>Date of the date line; default none (left as "ngày … tháng … năm {year of as-of}" for the signer).</summary>
    public DateOnly? SignedOn { get; init; }

    /// <summary>The "(Kèm theo Báo cáo số …)" line; default one with dots left for the user to fill.</summary>
    public string? ReportReference { get; init; }

    /// <summary>Who asked for the workbook (notes sheet).</summary>
    public string RequestedBy { get; init; } = "";

    /// <summary>Whose disclosure rights apply; default <see cref="Audience.Public"/> (everything suppressed).</summary>
    public Audience Audience { get; init; } = Audience.Public;

    public WorkbookSheets Sheets { get; init; } = WorkbookSheets.All;

    /// <summary>The target units below which are marked (key such as <c>90_2025</c>); default the first target of the
    /// child level.</summary>
    public string? TargetKey { get; init; }

    /// <summary>Row order by unit code when the issuing unit has its own (units not listed follow in official order);
    /// default the official order (GSO codes).</summary>
    public IReadOnlyList<string>? UnitOrder { get; init; }

    /// <summary>The warehouse's data version (e.g. the API's cache tag), written on the notes sheet.</summary>
    public string? DataVersion { get; init; }

    /// <summary>Generation time written on the notes sheet; default now.</summary>
    public DateTimeOffset? GeneratedAt { get; init; }
}
