using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>
/// MAXA_CU_TRU → a commune of the snapshot's code system. The code is read in the system in force on the visit day
/// (legacy before 2025-07-01, 2025 after; the other system when the code does not exist in it), then carried across
/// the 2025 bridge when the systems differ: legacy → the new commune that received the largest share, 2025 → the old
/// commune that gave it the largest share. Codes in neither system resolve to nothing (an unknown commune).
/// </summary>
internal sealed class Residence
{
    readonly string _target;
    readonly HashSet<string> _legacy, _current;
    readonly Dictionary<string, string> _toNew, _toOld;
    readonly Dictionary<(string, string), string> _names;
    readonly Dictionary<(string Code, bool Before), string?> _cache = [];

    public Residence(ReferenceData reference, string targetSystem)
    {
        _target = targetSystem;
        var communes = reference.Units.Where(u => u.Level == Levels.Commune).ToList();
        _legacy = communes.Where(u => u.CodeSystem == ReferenceData.SystemLegacy).Select(u => u.Code).ToHashSet();
        _current = communes.Where(u => u.CodeSystem == ReferenceData.System2025).Select(u => u.Code).ToHashSet();
        _names = communes.GroupBy(u => (u.CodeSystem, u.Code)).ToDictionary(g => g.Key, g => g.OrderByDescending(u => u.ValidFrom).First().FullName);
        _toNew = reference.Bridge.GroupBy(b => b.OldCode).ToDictionary(g => g.Key, g => g.MaxBy(b => b.Weight)!.NewCode);
        _toOld = reference.Bridge.GroupBy(b => b.NewCode).ToDictionary(g => g.Key, g => g.MaxBy(b => b.Weight)!.OldCode);
    }

    public string? Resolve(string? commune, DateOnly visitDay)
    {
        if (commune is not { Length: 5 } || !commune.All(char.IsAsciiDigit)) return null;
        var before = visitDay < ReferenceData.ReformDate;
        if (_cache.TryGetValue((commune, before), out var found)) return found;
        string? system = before
            ? (_legacy.Contains(commune) ? ReferenceData.SystemLegacy : _current.Contains(commune) ? ReferenceData.System2025 : null)
            : (_current.Contains(commune) ? ReferenceData.System2025 : _legacy.Contains(commune) ? ReferenceData.SystemLegacy : null);
        var result = system is null ? null
            : system == _target ? commune
            : _target == ReferenceData.System2025 ? _toNew.GetValueOrDefault(commune)
            : _toOld.GetValueOrDefault(commune);
        _cache[(commune, before)] = result;
        return result;
    }

    public string? Name(string? ward) => ward is null ? null : _names.GetValueOrDefault((_target, ward));
}
