using System.Data;
using Dapper;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>One row of ncd_cell: counts for a snapshot × commune × sex × five-year band.</summary>
public sealed class Cell
{
    public required string SnapshotId { get; init; }
    public required string WardCode { get; init; }
    public int Sex { get; init; }
    public int BandLo { get; init; }
    public int Adults { get; init; }
    public int HtnScreened { get; init; }
    public int HtnRaised { get; init; }
    public int HtnHypertensive { get; init; }
    public int HtnDiagnosed { get; init; }
    public int HtnTreated { get; init; }
    public int HtnControlled { get; init; }
    public int HtnScreenedHypertensive { get; init; }
    public int DmScreened { get; init; }
    public int DmRaised { get; init; }
    public int DmHyperglycaemic { get; init; }
    public int DmDiagnosed { get; init; }
    public int DmTreated { get; init; }
    public int DmControlled { get; init; }
    public int DmScreenedHyperglycaemic { get; init; }
    public int BmiKnown { get; init; }
    public int Obese { get; init; }
    public int ProgPatients { get; init; }
    public int ProgControlled { get; init; }
    public int ProgUncontrolled { get; init; }
    public int ProgMissedVisit { get; init; }
    public int ProgNoBp { get; init; }

    const string Select = """
        SELECT snapshot_id AS SnapshotId, ward_code AS WardCode, sex::INTEGER AS Sex, band_lo::INTEGER AS BandLo,
               adults AS Adults, htn_screened AS HtnScreened, htn_raised AS HtnRaised, htn_hypertensive AS HtnHypertensive,
               htn_diagnosed AS HtnDiagnosed, htn_treated AS HtnTreated, htn_controlled AS HtnControlled,
               htn_screened_hypertensive AS HtnScreenedHypertensive, dm_screened AS DmScreened, dm_raised AS DmRaised,
               dm_hyperglycaemic AS DmHyperglycaemic, dm_diagnosed AS DmDiagnosed, dm_treated AS DmTreated,
               dm_controlled AS DmControlled, dm_screened_hyperglycaemic AS DmScreenedHyperglycaemic,
               bmi_known AS BmiKnown, obese AS Obese, prog_patients AS ProgPatients, prog_controlled AS ProgControlled,
               prog_uncontrolled AS ProgUncontrolled, prog_missed_visit AS ProgMissedVisit, prog_no_bp AS ProgNoBp
        FROM ncd_cell
        """;

    public static List<Cell> Read(IDbConnection c, string snapshotId) =>
        c.Query<Cell>(Select + " WHERE snapshot_id = $sid", new { sid = snapshotId }).ToList();
}
