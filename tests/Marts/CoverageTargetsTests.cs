using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Tests.Marts;

/// <summary>Targets are configuration ("Coverage:Targets"), per year and optionally per level.</summary>
[Collection("warehouse")]
public sealed class CoverageTargetsTests(WarehouseFixture fixture)
{
    ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(fixture.Db);   // an instance: the container does not dispose it
        services.AddCoverage();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void WithoutConfigurationTheTargetsAre90By2025And95By2030()
    {
        using var sp = Services([]);
        var table = sp.GetRequiredService<CoverageQueries>().Children(new CoverageRequest(fixture.Options.ProvinceCode));
        Assert.Equal(["90_2025", "95_2030"], table.Targets.Select(t => t.Key));
        Assert.Equal(["90_2025", "95_2030"], table.Total.Targets.Select(t => t.Key));
    }

    [Fact]
    public void ConfiguredTargetsReplaceTheDefaultsAndApplyPerLevel()
    {
        using var sp = Services(new()
        {
            ["Coverage:Targets:0:Percent"] = "95", ["Coverage:Targets:0:Year"] = "2025", ["Coverage:Targets:0:Level"] = "commune",
            ["Coverage:Targets:1:Percent"] = "80", ["Coverage:Targets:1:Year"] = "2026", ["Coverage:Targets:1:Level"] = "province",
            ["Coverage:Targets:2:Percent"] = "99.5", ["Coverage:Targets:2:Year"] = "2030",
        });
        var queries = sp.GetRequiredService<CoverageQueries>();
        var table = queries.Children(new CoverageRequest(fixture.Options.ProvinceCode));
        Assert.Equal(["95_2025", "99.5_2030"], table.Targets.Select(t => t.Key));
        Assert.Equal(["95_2025", "99.5_2030"], table.Rows[0].Targets.Select(t => t.Key));
        Assert.Equal(["80_2026", "99.5_2030"], table.Total.Targets.Select(t => t.Key));
        Assert.Equal(["80_2026", "99.5_2030"], queries.Series(fixture.Options.ProvinceCode).Projections.Select(p => p.Target.Key));
    }

    [Fact]
    public void ATargetOutsideZeroToHundredPercentIsRejected()
    {
        using var sp = Services(new() { ["Coverage:Targets:0:Percent"] = "120", ["Coverage:Targets:0:Year"] = "2025" });
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<CoverageQueries>());
    }
}
