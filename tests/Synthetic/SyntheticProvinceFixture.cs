using System.Text.Json;
using HoSoSucKhoe.Synthetic;

namespace HoSoSucKhoe.Tests.Synthetic;

/// <summary>
/// One small generated province shared by the synthetic-generator tests: Điện Biên (11) at 1 % (~6,000 people),
/// May–August 2025, so two legacy and two 2025 snapshots straddle the reform of 1 July 2025.
/// </summary>
public sealed class SyntheticProvinceFixture : IDisposable
{
    public static GeneratorOptions OptionsFor(string outDir) =>
        new("11", 0.01, new DateOnly(2025, 5, 1), new DateOnly(2025, 8, 1), outDir, Seed: 7);

    public string OutDir { get; } = Path.Combine(Path.GetTempPath(), "hssk-synth-" + Guid.NewGuid().ToString("N"));
    public GeneratorOptions Options { get; }
    public IReadOnlyList<string> Folders { get; }
    public JsonElement Truth { get; }

    public SyntheticProvinceFixture()
    {
        Options = OptionsFor(OutDir);
        Folders = SyntheticProvince.Generate(Options);
        Truth = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OutDir, "truth.json"))).RootElement;
    }

    public JsonElement Snapshot(int index) => Truth.GetProperty("snapshots")[index];

    public void Dispose()
    {
        if (Directory.Exists(OutDir)) Directory.Delete(OutDir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SyntheticCollection : ICollectionFixture<SyntheticProvinceFixture>
{
    public const string Name = "Synthetic province";
}
