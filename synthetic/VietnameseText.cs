using System.Globalization;

namespace HoSoSucKhoe.Synthetic;

internal static class VietnameseText
{
    /// <summary>Progress messages format numbers the Vietnamese way (1.000.000).</summary>
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("vi-VN");
}
