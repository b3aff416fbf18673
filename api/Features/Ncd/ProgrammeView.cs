using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary>
/// The programme figures as one caller may see them, for the JSON and CSV endpoints, the chart and map endpoint and the
/// programme page alike (so they agree and hide the same cells): <see cref="ProgrammeQueries"/> for the caller's
/// audience over the snapshots the caller may see, then the rows within the caller's scope — the province row only for
/// callers scoped to the province or above, commune rows within the scope. A named unit with no visible row is refused
/// (403, as <c>/api/ncd/cascade</c>), so no answer tells whether a unit outside the scope exists.
/// </summary>
public sealed class ProgrammeView(ProgrammeQueries programme, SnapshotCatalog catalog, UnitScope scope)
{
    /// <summary>One month: the province and its communes (<paramref name="unit"/> null), or one unit.</summary>
    public ProgrammeTable Month(Caller caller, LoadedSnapshot s, string disease, string? unit, DateOnly? month, bool includeLost)
    {
        var table = Run(() => programme.Month(s, catalog.VisibleTo(caller.ScopeProvince), disease, unit, month, includeLost, caller.Audience));
        return table with { Rows = Visible(table.Rows, r => (r.Level, r.UnitCode), caller, s, unit) };
    }

    /// <summary>The 18-month trend of the province and its communes, or of one unit.</summary>
    public ProgrammeTrend Trend(Caller caller, LoadedSnapshot s, string disease, string? unit, bool includeLost)
    {
        var trend = Run(() => programme.Trend(s, catalog.VisibleTo(caller.ScopeProvince), disease, unit, includeLost, caller.Audience));
        return trend with { Rows = Visible(trend.Rows, r => (r.Level, r.UnitCode), caller, s, unit) };
    }

    /// <summary>The quarterly registration cohorts of the province and its communes, or of one unit.</summary>
    public ProgrammeCohorts Cohorts(Caller caller, LoadedSnapshot s, string disease, string? unit)
    {
        var cohorts = Run(() => programme.Cohorts(s, catalog.VisibleTo(caller.ScopeProvince), disease, unit, caller.Audience));
        return cohorts with { Rows = Visible(cohorts.Rows, r => (r.Level, r.UnitCode), caller, s, unit) };
    }

    /// <summary>The query's own parameter errors as 400 problems naming the parameter.</summary>
    static T Run<T>(Func<T> query)
    {
        try { return query(); }
        catch (ProgrammeParameterException e) { throw new ProblemException(StatusCodes.Status400BadRequest, "Tham số không hợp lệ", e.Message); }
    }

    List<T> Visible<T>(IReadOnlyList<T> rows, Func<T, (string Level, string Code)> unitOf, Caller caller, LoadedSnapshot s, string? unit)
    {
        var visible = rows.Where(r =>
        {
            var (level, code) = unitOf(r);
            return (level != Levels.Province || caller.ScopeCommune is null) && scope.Allows(caller, s.CodeSystem, code);
        }).ToList();
        if (unit is not null && visible.Count == 0) throw Problems.Forbidden();
        return visible;
    }
}
