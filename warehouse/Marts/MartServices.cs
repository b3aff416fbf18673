using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Warehouse.Marts;

public static class MartServices
{
    /// <summary>Binds <see cref="CoverageTargets"/> from "Coverage" (<c>Coverage:Targets:i:Percent|Year|Measure|Plan|Due|Level|Province</c>) and
    /// registers <see cref="CoverageQueries"/>. Needs <see cref="WarehouseDb"/> (<c>AddWarehouse</c>).</summary>
    public static IServiceCollection AddCoverage(this IServiceCollection services)
    {
        services.AddOptions<CoverageTargets>().BindConfiguration(CoverageTargets.Section)
            .Validate(o => o.Targets.All(t => t.Percent is > 0 and <= 100 && t.Year is >= 2000 and <= 2100),
                "Coverage:Targets: mỗi chỉ tiêu cần Percent trong (0, 100] và Year trong 2000–2100.")
            .Validate(o => o.Targets.All(t => TargetMeasures.All.Contains(t.Measure)),
                "Coverage:Targets: Measure phải là coverage, permanent_residents hoặc visitors_complete.");
        services.AddSingleton(sp => new CoverageQueries(sp.GetRequiredService<WarehouseDb>(), sp.GetRequiredService<IOptions<CoverageTargets>>().Value));
        return services;
    }
}
