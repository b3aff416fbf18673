using System.Globalization;
using HoSoSucKhoe.Api.Errors;

namespace HoSoSucKhoe.Api.Requests;

/// <summary>
/// Query parameters arrive as text and are parsed here, so that every error names the parameter in Vietnamese
/// without depending on the framework's (English) binding messages. Each endpoint family validates its parameters
/// once, in its request type, with these.
/// </summary>
public static class Parameters
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static int? Int(string name, string? value, int min, int max)
    {
        if (value is null) return null;
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            throw Problems.BadParameter(name, value, "cần một số nguyên");
        return n >= min && n <= max ? n
            : throw Problems.BadParameter(name, value, string.Create(Vi, $"cần một số nguyên từ {min:N0} đến {max:N0}"));
    }

    public static double? Double(string name, string? value, double min, double max, string expected)
    {
        if (value is null) return null;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || double.IsNaN(x))
            throw Problems.BadParameter(name, value, "cần một số (dấu chấm thập phân)");
        return x >= min && x <= max ? x : throw Problems.BadParameter(name, value, expected);
    }

    public static bool? Bool(string name, string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Problems.BadParameter(name, value, "cần true hoặc false"),
    };

    public static DateOnly? Date(string name, string? value) =>
        value is null ? null
            : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : throw Problems.BadParameter(name, value, "cần một ngày dạng yyyy-MM-dd");

    /// <summary>The value when it is one of <paramref name="allowed"/> (case-insensitive, returned as spelled there).</summary>
    public static string? OneOf(string name, string? value, IReadOnlyList<string> allowed) =>
        value is null ? null
            : allowed.FirstOrDefault(a => a.Equals(value, StringComparison.OrdinalIgnoreCase)) ?? throw Problems.OneOf(name, value, allowed);

    public static string Required(string name, string? value) =>
        string.IsNullOrEmpty(value) ? throw Problems.Missing(name) : value;

    /// <summary>A unit code: 2 digits (province), 3 (legacy district) or 5 (commune), as <paramref name="lengths"/> allows.</summary>
    public static string UnitCode(string name, string value, string expected, params int[] lengths) =>
        lengths.Contains(value.Length) && value.All(char.IsAsciiDigit) ? value : throw Problems.BadParameter(name, value, expected);
}
