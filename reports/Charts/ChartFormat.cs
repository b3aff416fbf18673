namespace HoSoSucKhoe.Reports.Charts;

/// <summary>The image formats every chart and map renders to.</summary>
public enum ChartFormat
{
    Png,
    Svg,
}

/// <summary>Format keys (<c>png</c>, <c>svg</c>), content types and file extensions.</summary>
public static class ChartFormats
{
    public static string ContentType(ChartFormat format) => format == ChartFormat.Svg ? "image/svg+xml" : "image/png";

    public static string Extension(ChartFormat format) => format == ChartFormat.Svg ? ".svg" : ".png";

    /// <summary><c>png</c> or <c>svg</c> (case-insensitive); anything else throws naming the parameter.</summary>
    public static ChartFormat Parse(string? value, string parameter = "format") => value?.ToLowerInvariant() switch
    {
        null or "png" => ChartFormat.Png,
        "svg" => ChartFormat.Svg,
        _ => throw new ArgumentException($"Tham số {parameter}: '{value}' không hợp lệ (png hoặc svg)."),
    };
}

/// <summary>Pixel size of a rendered chart; null parts take the chart kind's default (a coverage chart grows with its rows).</summary>
public sealed record ChartSize(int? Width = null, int? Height = null)
{
    public const int Min = 200, Max = 4000;

    internal (int Width, int Height) Or(int width, int height) =>
        (Math.Clamp(Width ?? width, Min, Max), Math.Clamp(Height ?? height, Min, Max));
}
