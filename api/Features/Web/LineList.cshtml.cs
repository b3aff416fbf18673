using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web;

/// <summary>An outreach list with names and phones (<c>/xa/{code}/danh-sach/{kind}</c>), as
/// <c>/api/ncd/linelists/{kind}</c>: only the commune's own officer; every view, granted or denied, audited.</summary>
public sealed class LineListModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, WarehouseDb db, RiskModels models)
    : WebPageModel(catalog, scope, gate)
{
    public const int Limit = 500;

    public required LineList List { get; set; }

    /// <summary>The card of the model whose scores rank a risk list (null for the other kinds): the page's model note.</summary>
    public ModelCard? Card { get; set; }

    public async Task<IActionResult> OnGetAsync(string code, string kind, string? snapshot)
    {
        if (!LineLists.Kinds.ContainsKey(kind)) throw Problems.OneOf("kind", kind, LineLists.Kinds.Keys);
        var caller = Caller;
        var s = Catalog.Resolve(caller.ScopeProvince, snapshot);
        if (!caller.MaySeeNamesOf(code) || !Scope.Allows(caller, s.CodeSystem, code))
        {
            using var c = db.Open();
            LineLists.Audit(c, caller.Name, caller.Role, code, s.SnapshotId, kind, 0, false, "denied");
            throw new ProblemException(StatusCodes.Status403Forbidden, Problems.ForbiddenTitle,
                "Danh sách có họ tên và số điện thoại chỉ dành cho cán bộ của chính xã đó; lần truy cập này đã được ghi nhật ký.");
        }
        ModelCard? card = null;
        if (kind == "risk")
        {
            await models.Ready.WaitAsync(HttpContext.RequestAborted);
            card = models.Latest() is { } latest && models.HasScores(s, latest) ? latest
                : throw new ProblemException(StatusCodes.Status409Conflict, "Chưa có mô hình nguy cơ",
                    "Kho cần ít nhất hai ảnh chụp ở hai thời điểm để huấn luyện mô hình nguy cơ; điểm nguy cơ được tính sau mỗi lần nạp.");
        }
        List = await Read(() =>
        {
            using var c = db.Open();
            var list = LineLists.Query(c, s, kind, code, identified: true, Limit, card?.ModelId);
            LineLists.Audit(c, caller.Name, caller.Role, code, s.SnapshotId, kind, list.Rows.Count, true, "granted");
            return list;
        });
        Card = card;
        SetShell("commune", ProvinceOf(s, code), s, SnapshotsFor(code));
        ViewData["Title"] = List.Title;
        Response.Headers.CacheControl = "no-store"; // names and phones: never kept by a browser or proxy
        return Page();
    }
}
