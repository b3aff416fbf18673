using System.Globalization;

namespace HoSoSucKhoe.Warehouse.Marts;

/// <summary>What a target is measured on (docs/definitions.md, "Targets").</summary>
public static class TargetMeasures
{
    /// <summary>Managed (6) over the population (3): the appendix rate.</summary>
    public const string Coverage = "coverage";

    /// <summary>Permanent residents with a record created and updated over the permanent population (Kiên Giang phase 1).</summary>
    public const string PermanentResidents = "permanent_residents";

    /// <summary>Records of people with a visit in the last 12 months that are complete in every mandatory data group,
    /// over those records (Kiên Giang phase 2).</summary>
    public const string VisitorsComplete = "visitors_complete";

    public static readonly IReadOnlyList<string> All = [Coverage, PermanentResidents, VisitorsComplete];

    /// <summary>The measure's name as users read it.</summary>
    public static string Label(string measure) => measure switch
    {
        Coverage => "Tỷ lệ dân số được quản lý sức khỏe",
        PermanentResidents => "Tỷ lệ người dân thường trú được tạo lập và cập nhật hồ sơ",
        VisitorsComplete => "Tỷ lệ hồ sơ người có khám, chữa bệnh được cập nhật đầy đủ thông tin",
        _ => measure,
    };
}

/// <summary>A target: <see cref="Percent"/> % of <see cref="Measure"/> by <see cref="DueDate"/> (31 December of
/// <see cref="Year"/> unless <see cref="Due"/> says otherwise), set by <see cref="Plan"/>. <see cref="Level"/>
/// restricts it to one unit level ("commune", "district", "province"), <see cref="Province"/> to one province code.</summary>
public sealed record CoverageTarget
{
    public double Percent { get; init; }
    public int Year { get; init; }
    public string? Level { get; init; }

    /// <summary>One of <see cref="TargetMeasures.All"/>; default <see cref="TargetMeasures.Coverage"/>.</summary>
    public string Measure { get; init; } = TargetMeasures.Coverage;

    /// <summary>The plan that set the target, as users cite it (e.g. "Kế hoạch 167/KH-UBND tỉnh Kon Tum").</summary>
    public string? Plan { get; init; }

    /// <summary>Deadline when it is not 31 December of <see cref="Year"/> (e.g. 15/02/2025).</summary>
    public DateOnly? Due { get; init; }

    /// <summary>Only units of this province (2-digit code of either code system); null: every province.</summary>
    public string? Province { get; init; }

    public DateOnly DueDate => Due ?? new DateOnly(Year, 12, 31);

    /// <summary>Short key for column names: <c>90_2025</c> for coverage, <c>permanent_residents_95_2024</c> otherwise.</summary>
    public string Key => (Measure == TargetMeasures.Coverage ? "" : Measure + "_") + FormattableString.Invariant($"{Percent:0.##}_{Year}");

    /// <summary>"90% vào 31/12/2025" in vi-VN.</summary>
    public string Label => string.Create(CultureInfo.GetCultureInfo("vi-VN"), $"{Percent:0.##}% vào {DueDate:dd/MM/yyyy}");

    public bool AppliesTo(string level, string? province = null) =>
        (Level is null || string.Equals(Level, level, StringComparison.OrdinalIgnoreCase))
        && (Province is null || province is null || Province == province);
}

/// <summary>
/// Targets (configuration per year, level and measure, docs/definitions.md "Targets"), bound from the "Coverage"
/// section: <c>Coverage:Targets:0:Percent = 90</c>, <c>…:Year = 2025</c>, optional <c>…:Measure</c>, <c>…:Plan</c>,
/// <c>…:Due</c>, <c>…:Level</c>, <c>…:Province</c>. Without configured targets: <see cref="Defaults"/>.
/// </summary>
public sealed class CoverageTargets
{
    public const string Section = "Coverage";

    const string KonTum = "Kế hoạch 167/KH-UBND tỉnh Kon Tum (theo Quyết định 2955/QĐ-BYT)";
    const string KienGiang = "Kế hoạch của Sở Y tế Kiên Giang (11/2024)";

    /// <summary>90 % by 2025 and 95 % by 2030 (Kon Tum, following MoH 2955/QĐ-BYT); 95 % of permanent residents by
    /// 31/12/2024 (Kiên Giang phase 1); 100 % of visitors' records complete by 15/02/2025 (Kiên Giang phase 2).</summary>
    public static readonly IReadOnlyList<CoverageTarget> Defaults =
    [
        new() { Percent = 90, Year = 2025, Plan = KonTum },
        new() { Percent = 95, Year = 2030, Plan = KonTum },
        new() { Percent = 95, Year = 2024, Measure = TargetMeasures.PermanentResidents, Plan = KienGiang + ", giai đoạn 1" },
        new() { Percent = 100, Year = 2025, Due = new DateOnly(2025, 2, 15), Measure = TargetMeasures.VisitorsComplete, Plan = KienGiang + ", giai đoạn 2" },
    ];

    /// <summary>Configured targets; empty means <see cref="Defaults"/> (configuration binding appends to lists,
    /// so the defaults cannot be the initial value).</summary>
    public List<CoverageTarget> Targets { get; set; } = [];

    /// <summary>The targets of one measure that apply to a level (and province), by due date then percent.</summary>
    public IReadOnlyList<CoverageTarget> For(string level, string measure = TargetMeasures.Coverage, string? province = null) =>
        All(level, province).Where(t => t.Measure == measure).ToList();

    /// <summary>Every target that applies to a level (and province), by measure (in <see cref="TargetMeasures.All"/>
    /// order), due date, percent.</summary>
    public IReadOnlyList<CoverageTarget> All(string level, string? province = null) =>
        (Targets.Count == 0 ? Defaults : Targets).Where(t => t.AppliesTo(level, province))
            .OrderBy(t => Array.IndexOf([.. TargetMeasures.All], t.Measure)).ThenBy(t => t.DueDate).ThenBy(t => t.Percent).ToList();
}
