using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Models.Ncd;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary>The query parameters of the <c>/api/ncd</c> endpoints, as sent; each is checked once, here.</summary>
public sealed class NcdParameters
{
    [FromQuery(Name = "snapshot")] public string? Snapshot { get; init; }
    [FromQuery(Name = "unit")] public string? Unit { get; init; }
    [FromQuery(Name = "measure")] public string? Measure { get; init; }
    [FromQuery(Name = "sex")] public string? Sex { get; init; }
    [FromQuery(Name = "ages")] public string? Ages { get; init; }
    [FromQuery(Name = "k")] public string? K { get; init; }
    [FromQuery(Name = "limit")] public string? Limit { get; init; }

    public string? ValidUnit() => Unit is null ? null
        : Parameters.UnitCode("unit", Unit, "cần mã tỉnh (2 chữ số), huyện cũ (3) hoặc xã (5)", 2, 3, 5);

    public int ValidK() => Parameters.Int("k", K, 2, 8) ?? 4;

    public int ValidLimit(int fallback, int max) => Parameters.Int("limit", Limit, 1, max) ?? fallback;

    public (Measure Measure, string Sex, AgeGroup Ages) ValidEstimate()
    {
        var m = Models.Ncd.Measure.Find(Measure ?? "htn_screened") ?? throw Problems.OneOf("measure", Measure, [.. Models.Ncd.Measure.All.Select(x => x.Key)]);
        var sex = Parameters.OneOf("sex", Sex, Burden.Sexes) ?? "all";
        // "18+" written unencoded in a query string arrives as "18 " ('+' means a space there): read it as meant.
        var label = Ages is null ? "18+" : Ages.EndsWith(' ') ? Ages.TrimEnd() + "+" : Ages;
        var ages = AgeStandard.Groups.FirstOrDefault(x => x.Label == label)
            ?? throw Problems.OneOf("ages", Ages, [.. AgeStandard.Groups.Select(x => x.Label)]);
        return (m, sex, ages);
    }
}
