namespace HoSoSucKhoe.Synthetic;

/// <summary>The five-year bands of the population CSV (0-4 … 80+), as used by docs/definitions.md.</summary>
internal static class AgeBands
{
    public const int Count = 17;
    /// <summary>Adult bands start at 15-19 (holding 18- and 19-year-olds only).</summary>
    public const int FirstAdult = 3;

    static readonly string[] Labels =
    [
        "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
        "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80+",
    ];

    public static int Of(int age) => age < 0 ? -1 : Math.Min(age / 5, Count - 1);

    public static string Label(int band) => Labels[band];

    public static int LowerAge(int band) => band * 5;
}
