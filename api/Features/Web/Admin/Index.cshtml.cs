using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web.Admin;

/// <summary>Administration (<c>/quan-tri</c>, admins only, by the folder's policy): loaded snapshots, users (add, disable,
/// enable, reset password; the same <see cref="UserStore"/> as the <c>users</c> verb) and the line-list audit log.</summary>
public sealed class IndexModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, UserStore users, WarehouseDb db)
    : WebPageModel(catalog, scope, gate)
{
    public IReadOnlyList<SnapshotLoadFacts> Snapshots { get; private set; } = [];
    public IReadOnlyList<WebUser> Users { get; private set; } = [];
    public IReadOnlyList<AuditRow> Audit { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Failed { get; private set; }

    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public string? UnitScopeCode { get; set; }
    [BindProperty] public string? Password { get; set; }

    public void OnGet() => Load();

    public IActionResult OnPostAdd() => Change(() => users.Add(UserName ?? "", DisplayName ?? "", Role ?? "", UnitScopeCode, Password ?? ""),
        $"Đã thêm người dùng '{UserStore.Normalize(UserName ?? "")}'.");

    public IActionResult OnPostDisable() => Change(() => users.SetDisabled(UserName ?? "", true), $"Đã vô hiệu hoá '{UserName}'.");

    public IActionResult OnPostEnable() => Change(() => users.SetDisabled(UserName ?? "", false), $"Đã cho phép lại '{UserName}'.");

    public IActionResult OnPostReset() => Change(() => users.ResetPassword(UserName ?? "", Password ?? ""), $"Đã đặt lại mật khẩu của '{UserName}'.");

    IActionResult Change(Action change, string done)
    {
        try
        {
            change();
            Message = done;
        }
        catch (UserException e)
        {
            Message = $"Không thực hiện được — {e.Message}";
            Failed = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Load();
        return Page();
    }

    void Load()
    {
        Snapshots = Catalog.WithLoadFacts();
        Users = users.List();
        using (var c = db.Open()) Audit = LineLists.AuditLog(c, 100);
        SetShell("admin", Catalog.VisibleTo(null).LastOrDefault()?.ProvinceCode, null, []);
        ViewData["Title"] = "Quản trị";
    }
}
