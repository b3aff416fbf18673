using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Requests;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Reports.Tables;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Api.Features.Coverage;

/// <summary><c>GET /api/coverage/national</c> (issue 15 §4): the provinces of a national warehouse (built with
/// <c>import-lake</c>) and the national total, for callers of national scope only (the Ministry's leadership and
/// epidemiologists, admins): a province-scoped key is refused without saying which provinces exist.</summary>
public static class NationalEndpoints
{
    public static void MapNational(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/coverage").WithTags("Coverage").WithWarehouseCache()
            .MapGet("/national", async (string? asOf, Caller caller, CoverageQueries queries, QueryGate gate, CancellationToken ct) =>
            {
                if (!caller.IsNational) throw Problems.Forbidden();
                var date = Parameters.Date("asOf", asOf);
                var table = await gate.RunAsync(() => queries.National(date), ct);
                return new Report<NationalCoverageTable>(table, "bao-phu-toan-quoc", AppendixTable.Of);
            })
            .WithSummary("Độ bao phủ hồ sơ sức khỏe toàn quốc: mỗi tỉnh một dòng (từ ảnh chụp mới nhất của tỉnh đó, đến ngày asOf nếu có) và dòng tổng toàn quốc; chỉ cho khoá phạm vi toàn quốc.");
    }
}
