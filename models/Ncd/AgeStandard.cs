namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// WHO World Standard Population 2000–2025 (docs/models.md) over the adult bands of ncd_cell. Band 15 holds only the
/// 18- and 19-year-olds and gets 2/5 of the WHO 15–19 weight; band 80 (80+) gets 80–84 … 100+. Weights are rescaled to
/// sum to 1 over whichever bands an estimate uses.
/// </summary>
public static class AgeStandard
{
    /// <summary>WHO 2000–2025 standard, % per five-year band 0–4 … 95–99, then 100+.</summary>
    static readonly double[] Who =
    [
        8.86, 8.69, 8.60, 8.47, 8.22, 7.93, 7.61, 7.15, 6.59, 6.04, 5.37, 4.55, 3.72, 2.96, 2.21, 1.52, 0.91, 0.44, 0.15,
        0.04, 0.005,
    ];

    /// <summary>Lower ages of the adult bands (ncd_cell.band_lo).</summary>
    public static readonly int[] Bands = [15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80];

    /// <summary>Unscaled weight (%) of an adult band.</summary>
    public static double Weight(int bandLo) => bandLo switch
    {
        15 => Who[3] * 2 / 5,
        80 => Who[16..].Sum(),
        >= 20 and < 80 when bandLo % 5 == 0 => Who[bandLo / 5],
        _ => throw new ArgumentOutOfRangeException(nameof(bandLo), bandLo, "not an adult band"),
    };

    public static string Label(int bandLo) => bandLo switch { 15 => "18-19", 80 => "80+", _ => $"{bandLo}-{bandLo + 4}" };

    /// <summary>Age groups reported: all adults, the STEPS bands (70+ apart) and the five-year bands.</summary>
    public static readonly IReadOnlyList<AgeGroup> Groups =
    [
        new("18+", "all", Bands),
        new("18-29", "steps", [15, 20, 25]),
        new("30-49", "steps", [30, 35, 40, 45]),
        new("50-69", "steps", [50, 55, 60, 65]),
        new("70+", "steps", [70, 75, 80]),
        .. Bands.Select(b => new AgeGroup(Label(b), "5y", [b])),
    ];

    public static AgeGroup Group(string label) =>
        Groups.FirstOrDefault(g => g.Label == label)
        ?? throw new ArgumentException($"nhóm tuổi '{label}' không hợp lệ.", nameof(label));
}

/// <summary>A set of five-year bands estimated together (standardised over them when more than one).</summary>
public sealed record AgeGroup(string Label, string Scheme, int[] Bands)
{
    /// <summary>STEPS 2015 raised-BP anchor range.</summary>
    public static readonly AgeGroup Anchor18To69 = new("18-69", "anchor", [15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65]);

    /// <summary>STEPS 2020 hypertension / hyperglycaemia anchor range.</summary>
    public static readonly AgeGroup Anchor25To64 = new("25-64", "anchor", [25, 30, 35, 40, 45, 50, 55, 60]);
}
