using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Xml130;
using Microsoft.Extensions.DependencyInjection;

namespace HoSoSucKhoe.Models.Pipeline;

/// <summary>
/// The flow after the facts of a snapshot are in, in one place for the command line, the demo, the server and the
/// benchmarks: the steps that run inside the load transaction, and the catch-up that builds them once, when a
/// warehouse is opened, for snapshots loaded before a step existed. Reads never build anything.
/// </summary>
public static class Pipeline
{
    public static readonly IReadOnlyList<AfterLoadStep> AfterLoadSteps = [KpiMarts.Build, NcdMarts.AfterLoad, UnrecordedVisitorsStore.AfterLoad];

    public static SnapshotLoader Loader(WarehouseDb db, Pseudonymiser pseudonymiser, double unknownWardTolerance = 0.02) =>
        new(db, pseudonymiser, AfterLoadSteps) { UnknownWardTolerance = unknownWardTolerance };

    /// <summary>Builds the after-load outputs of every snapshot that lacks them (each in its own transaction).</summary>
    public static void CatchUp(WarehouseDb db)
    {
        KpiMarts.BuildMissing(db);
        NcdMarts.EnsureComputed(db);
    }

    /// <summary>Opens a warehouse ready to read: <see cref="CatchUp"/> done.</summary>
    public static WarehouseDb Open(string path)
    {
        var db = new WarehouseDb(path);
        try { CatchUp(db); }
        catch { db.Dispose(); throw; }
        return db;
    }

    /// <summary>The warehouse (opened through <see cref="CatchUp"/>), its catalog and the risk model.</summary>
    public static IServiceCollection AddModels(this IServiceCollection services)
    {
        services.AddWarehouse(CatchUp);
        services.AddSingleton<RiskModels>();
        services.AddSingleton<NcdDataStore>();
        services.AddSingleton<ProgrammeQueries>();
        return services;
    }
}
