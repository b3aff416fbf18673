using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;

namespace HoSoSucKhoe.Models.Pipeline;

/// <summary>What runs after the facts of a snapshot are in, inside the same transaction: one list, used by the
/// command line, the demo and the admin endpoint alike.</summary>
public static class Pipeline
{
    public static SnapshotLoader Loader(WarehouseDb db, Pseudonymiser pseudonymiser, double unknownWardTolerance = 0.02) =>
        new(db, pseudonymiser, AfterLoadSteps) { UnknownWardTolerance = unknownWardTolerance };

    public static readonly IReadOnlyList<AfterLoadStep> AfterLoadSteps = [Warehouse.Marts.KpiMarts.Build, Ncd.NcdMarts.AfterLoad];
}
