using Apache.Arrow;
using Apache.Arrow.Types;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Synthetic;

/// <summary>The four Arrow schemas of hssk-snapshot/1, from the one definition of the contract the loader checks.</summary>
internal static class SnapshotSchemas
{
    public static readonly TimestampType Seconds = ContractColumn.SecondsTimestamp;

    public static readonly Schema Persons = SnapshotContract.Persons.ArrowSchema;
    public static readonly Schema Encounters = SnapshotContract.Encounters.ArrowSchema;
    public static readonly Schema Labs = SnapshotContract.Labs.ArrowSchema;
    public static readonly Schema Medications = SnapshotContract.Medications.ArrowSchema;
}
