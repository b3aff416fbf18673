using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Coverage;

/// <summary>The query of <c>/api/coverage/{level}</c>, as sent; <see cref="Validate"/> checks every parameter once.</summary>
public sealed class ChildrenParameters
{
    static readonly string[] LevelNames = ["communes", "districts"];
    static readonly string[] SortKeys = ["code", "name", "population", "records_linked", "examined", "managed", "coverage_pct", "gap"];

    [FromRoute(Name = "level")] public required string Level { get; init; }
    [FromQuery(Name = "parent")] public string? Parent { get; init; }
    [FromQuery(Name = "snapshot")] public string? Snapshot { get; init; }
    [FromQuery(Name = "sort")] public string? Sort { get; init; }
    [FromQuery(Name = "desc")] public string? Desc { get; init; }
    [FromQuery(Name = "below")] public string? Below { get; init; }
    [FromQuery(Name = "belowTarget")] public string? BelowTarget { get; init; }
    [FromQuery(Name = "over100")] public string? Over100 { get; init; }

    public sealed record Valid(CoverageRequest Request, string? BelowTarget, bool LegacyOnly);

    public Valid Validate(CoverageTargets targets)
    {
        var level = Level.ToLowerInvariant() switch
        {
            "communes" or "commune" => Levels.Commune,
            "districts" or "district" => Levels.District,
            _ => throw Errors.Problems.OneOf("level", Level, LevelNames),
        };
        var parent = Parameters.UnitCode("parent", Parameters.Required("parent", Parent),
            "cần mã tỉnh (2 chữ số) hoặc mã huyện cũ (3 chữ số)", 2, 3);
        if (level == Levels.District && parent.Length == 3)
            throw Errors.Problems.BadParameter("parent", parent,
                $"một huyện cũ không có huyện con; các xã cũ của huyện ở /api/coverage/communes?parent={parent}");
        var sort = Parameters.OneOf("sort", Sort, SortKeys);
        var desc = Parameters.Bool("desc", Desc);
        var below = Parameters.Double("below", Below, 0, 1000, "cần một tỉ lệ phần trăm từ 0 đến 1.000");
        var over100 = Parameters.Bool("over100", Over100);
        var keys = targets.For(level).Select(t => t.Key).ToList();
        var belowTarget = Parameters.OneOf("belowTarget", BelowTarget, keys);
        return new Valid(new CoverageRequest(parent) { Level = level, Sort = sort, Descending = desc ?? false, Below = below, Over100 = over100 },
            belowTarget, parent.Length == 3 || level == Levels.District);
    }
}

/// <summary>The path and query of <c>/api/coverage/units/{code}/…</c>.</summary>
public sealed class UnitParameters
{
    static readonly string[] Systems = [ReferenceData.System2025, ReferenceData.SystemLegacy];

    [FromRoute(Name = "code")] public required string Code { get; init; }
    [FromQuery(Name = "snapshot")] public string? Snapshot { get; init; }
    [FromQuery(Name = "system")] public string? System { get; init; }

    public string ValidCode() =>
        Parameters.UnitCode("code", Code, "cần mã tỉnh (2 chữ số), huyện cũ (3) hoặc xã (5)", 2, 3, 5);

    public IReadOnlyList<string> ValidSystems() => Parameters.OneOf("system", System, Systems) is { } one ? [one] : Systems;
}
