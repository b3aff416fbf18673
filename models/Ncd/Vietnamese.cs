using System.Globalization;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>Numbers and dates in text people read (reasons, descriptions, the model card) are written the Vietnamese
/// way — 0,46; 1.234; 20%; 31/10/2025 — whatever culture the server runs under (often the invariant one).</summary>
internal static class Vietnamese
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("vi-VN");
}
