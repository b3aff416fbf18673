using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary><c>/api/ncd/national/cascade</c> and <c>/api/ncd/national/prevalence</c> (issue 15 §4): the provinces of a
/// national warehouse (<c>import-lake</c>), each from its latest 2025-code snapshot on or before <c>asOf</c>, and the
/// national row pooled over them (<see cref="NationalNcd"/>), for national-scope callers only, as
/// <c>/api/coverage/national</c>.</summary>
public static class NationalNcdEndpoints
{
    /// <summary>The pooled national table of the date, as every national NCD view reads it (the endpoints and the page).</summary>
    public static NcdData NationalData(SnapshotCatalog catalog, NcdDataStore ncd, DateOnly? asOf)
    {
        var provinces = catalog.LatestPerProvince(asOf);
        return provinces.Count == 0 ? throw KpiNotFoundException.NoNationalSnapshot(asOf) : ncd.National(provinces);
    }

    public static void MapNationalNcd(this IEndpointRouteBuilder app)
    {
        var national = app.MapGroup("/api/ncd/national").WithTags("Ncd").WithWarehouseCache();

        national.MapGet("/cascade", async ([FromQuery] string? asOf, SnapshotCatalog catalog, NcdDataStore ncd, QueryGate gate, Caller caller,
            CancellationToken ct) =>
        {
            if (!caller.IsNational) throw Problems.Forbidden();
            var date = Parameters.Date("asOf", asOf);
            var rows = await gate.RunAsync(() => NationalNcd.Cascades(NationalData(catalog, ncd, date), caller.Audience), ct);
            return NcdEndpoints.Exportable(new CascadeResponse(Burden.VisitBiasNote, [], rows));
        }).WithSummary("Chuỗi chăm sóc tăng huyết áp và đái tháo đường toàn quốc: dòng toàn quốc (tổng các tỉnh) và mỗi tỉnh một dòng (ảnh chụp mới nhất của tỉnh đến ngày asOf); chỉ cho khoá phạm vi toàn quốc.");

        // Only the parameters that apply (no unit, snapshot, k or limit: every province's latest snapshot, all of them).
        national.MapGet("/prevalence", async ([FromQuery] string? asOf, [FromQuery] string? measure, [FromQuery] string? sex,
            [FromQuery] string? ages, SnapshotCatalog catalog, NcdDataStore ncd, QueryGate gate, Caller caller, CancellationToken ct) =>
        {
            if (!caller.IsNational) throw Problems.Forbidden();
            var (m, sx, g) = new NcdParameters { Measure = measure, Sex = sex, Ages = ages }.ValidEstimate();
            var date = Parameters.Date("asOf", asOf);
            var (rows, anchors) = await gate.RunAsync(() =>
            {
                var data = NationalData(catalog, ncd, date);
                return (NationalNcd.Prevalence(data, m, sx, g, caller.Audience), data.Anchors());
            }, ct);
            return NcdEndpoints.Exportable(new PrevalenceResponse(m.Key, m.Name, m.DenominatorName, sx, g.Label, NcdEndpoints.MethodText,
                Burden.VisitBiasNote, anchors, rows));
        }).WithSummary("Tỷ lệ hiện mắc toàn quốc: dòng toàn quốc gộp mọi nhóm tuổi – giới của các tỉnh (chuẩn hoá tuổi trên số gộp, KTC 95 %) và mỗi tỉnh một dòng, làm trơn về giá trị toàn quốc; chỉ cho khoá phạm vi toàn quốc.");
    }
}
