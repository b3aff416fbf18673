using System.Globalization;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>Numbers and dates as Vietnamese readers write them: 1.234.567, 95,20%, 31/10/2025. "—" for a missing value.</summary>
public static class Vi
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("vi-VN");

    public const string None = "—";

    public static string N(long? n) => n is { } v ? v.ToString("N0", Culture) : None;

    public static string N(int? n) => n is { } v ? v.ToString("N0", Culture) : None;

    /// <summary>A percentage already × 100 (coverage_pct), two decimals as the appendix rounds it.</summary>
    public static string Pct(decimal? p) => p is { } v ? v.ToString("N2", Culture) + "%" : None;

    public static string Pct(double? p) => p is { } v ? v.ToString("N2", Culture) + "%" : None;

    /// <summary>A share 0–1 as a percentage.</summary>
    public static string Share(double? s) => s is { } v ? (v * 100).ToString("N2", Culture) + "%" : None;

    public static string Date(DateOnly? d) => d is { } v ? v.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : None;

    public static string Date(DateTime? d) => d is { } v ? v.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) : None;

    public static string Date(DateTimeOffset? d) => d is { } v ? v.ToString("dd/MM/yyyy HH:mm:ss", CultureInfo.InvariantCulture) : None;

    public static string Role(string role) => role switch
    {
        Access.Roles.Leadership => "Lãnh đạo",
        Access.Roles.Epidemiologist => "Dịch tễ",
        Access.Roles.CommuneOfficer => "Cán bộ xã",
        Access.Roles.Admin => "Quản trị",
        _ => role,
    };

    public static string Projection(string status) => status switch
    {
        "reached" => "đã đạt",
        "projected" => "dự kiến",
        "not_rising" => "không tăng",
        "too_few_points" => "chưa đủ điểm",
        _ => status,
    };

    public static string YesNo(bool? b) => b switch { true => "có", false => "không", null => None };
}
