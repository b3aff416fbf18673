using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Api.Access;

/// <summary>Checks a unit against the caller's scope. The answer for a unit outside the scope is the same 403 whether
/// the unit exists or not.</summary>
public sealed class UnitScope(UnitMap map)
{
    public UnitFootprint Footprint(string codeSystem, string code) => map.Footprint(codeSystem, code);

    /// <summary>Leadership and a provincial epidemiologist: units wholly inside their province (legacy units through the
    /// bridge). A commune officer: its commune, and the old communes bridged to it. National callers: everything.</summary>
    public bool Allows(Caller caller, string codeSystem, string code)
    {
        if (caller.IsNational) return true;
        var f = Footprint(codeSystem, code);
        return caller.ScopeCommune is { } commune
            ? f.Level == Levels.Commune && f.Communes.Contains(commune)
            : f.Provinces.Length > 0 && f.Provinces.All(p => p == caller.ScopeProvince);
    }

    /// <summary>403 outside the scope (exists or not); 404 for a national caller asking for a unit that does not exist.</summary>
    public UnitFootprint Require(Caller caller, string codeSystem, string code)
    {
        if (!Allows(caller, codeSystem, code)) throw Problems.Forbidden();
        var f = Footprint(codeSystem, code);
        return f.Exists ? f : throw Problems.UnitNotFound(codeSystem, code);
    }
}
