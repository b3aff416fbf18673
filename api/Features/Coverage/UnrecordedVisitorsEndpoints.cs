using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Tables;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Api.Features.Coverage;

/// <summary><c>GET /api/coverage/units/{code}/unrecorded-visitors</c>: people seen at a facility (XML 130 feed) who have no
/// health record, per commune of residence of the unit, for one snapshot (docs/xml130.md).</summary>
public static class UnrecordedVisitorsEndpoints
{
    public static void MapUnrecordedVisitors(this IEndpointRouteBuilder app)
    {
        var unit = app.MapGroup("/api/coverage/units/{code}").WithTags("Coverage").WithWarehouseCache();
        unit.MapGet("/unrecorded-visitors", async ([AsParameters] UnitParameters p, Caller caller, CoverageScope scope,
            WarehouseDb db, QueryGate gate, CancellationToken ct) =>
        {
            var code = p.ValidCode();
            var chosen = scope.Snapshot(caller, code, p.Snapshot, code.Length == 3);
            var report = await gate.RunAsync(() => UnrecordedVisitorsStore.Read(db, chosen, code), ct);
            return new Report<UnrecordedVisitorsReport>(report, $"nguoi-kham-chua-co-ho-so-{code}",
                r => Csv.Of(r.Communes, [("snapshotId", r.Snapshot.SnapshotId), ("asOf", r.Snapshot.AsOf), ("code", r.Code)]));
        }).WithSummary("Người đến khám, chữa bệnh (dữ liệu XML 130) chưa có hồ sơ sức khỏe, theo xã nơi cư trú của đơn vị: số người và số lượt; khoảng trống xã có thể lấp trước.");
    }
}
