using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Admin;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web.Admin;

/// <summary>Loads from the import folder (<c>/quan-tri/nap</c>, admins only by the folder's policy): the snapshot folders
/// and population files found there, a load started in the background through <see cref="AdminLoads"/> (the code of
/// <c>POST /api/admin/loads</c> and <c>/population</c>) and its progress, the page refreshing itself while it runs.</summary>
public sealed class LoadsModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, AdminLoads loads) : WebPageModel(catalog, scope, gate)
{
    public IReadOnlyList<string> Folders { get; private set; } = [];
    public IReadOnlyList<string> PopulationFiles { get; private set; } = [];
    public LoadJob? Job { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public string? Folder { get; set; }
    [BindProperty] public string? PopulationFile { get; set; }
    [BindProperty] public bool Replace { get; set; }

    public void OnGet() => Show();

    public IActionResult OnPostSnapshots() => Start(AdminLoads.Snapshots, Folder);

    public IActionResult OnPostPopulation() => Start(AdminLoads.Population, PopulationFile);

    IActionResult Start(string kind, string? path)
    {
        try
        {
            loads.Start(kind, path, Replace, Caller.Name);
            return RedirectToPage(); // the progress is on the page; a reload never starts a second load
        }
        catch (ProblemException e)
        {
            Message = $"Không bắt đầu được — {e.Message}";
            Response.StatusCode = e.Status;
            Show();
            return Page();
        }
    }

    void Show()
    {
        (Folders, PopulationFiles) = loads.Candidates();
        Job = loads.Latest;
        Response.Headers.CacheControl = "no-store";
        SetShell("admin", Catalog.VisibleTo(null).LastOrDefault()?.ProvinceCode, null, []);
        ViewData["Title"] = "Nạp dữ liệu";
        if (Job?.State.Finished == false) ViewData["Refresh"] = 2;
    }
}
