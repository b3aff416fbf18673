namespace HoSoSucKhoe.Warehouse.Reference;

/// <summary>The levels of an administrative unit, as dim_admin_unit and the marts spell them.</summary>
public static class Levels
{
    public const string Province = "province";
    /// <summary>Only in the legacy code system: the 2025 reform removed districts.</summary>
    public const string District = "district";
    public const string Commune = "commune";
    /// <summary>The national total of a national warehouse (a sum of provinces; no unit of dim_admin_unit).</summary>
    public const string Nation = "nation";
}
