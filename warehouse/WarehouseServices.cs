using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Warehouse;

public sealed class WarehouseOptions
{
    /// <summary>The DuckDB warehouse file.</summary>
    public string Path { get; set; } = "";

    /// <summary>Key of the HMAC that pseudonymises citizen and insurance ids (at least 16 characters).</summary>
    public string? PseudonymKey { get; set; }

    /// <summary>The folder the admin endpoints load snapshots and population files from (nothing outside it, even
    /// through symbolic links). Default: <c>import/</c> beside the warehouse file (<see cref="ImportFolder"/>).</summary>
    public string? ImportRoot { get; set; }

    /// <summary>Lets the admin endpoints load from any server path (an explicit opt-out of the import folder, for a
    /// trusted single-user set-up); false by default.</summary>
    public bool AllowAnyServerPath { get; set; }

    /// <summary>The import folder in force: <see cref="ImportRoot"/>, or <c>import/</c> beside the warehouse file.</summary>
    public string ImportFolder => System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(ImportRoot)
        ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? ".", "import")
        : ImportRoot);

    /// <summary>DuckDB's memory limit ("4GB", "800MB"); empty = <see cref="WarehouseDb.DefaultMemoryBudget"/>.</summary>
    public string? MemoryBudget { get; set; }

    /// <summary>Share of unknown ward codes above which a snapshot is rejected (probable code-system error).</summary>
    public double UnknownWardTolerance { get; set; } = 0.02;
}

public static class WarehouseServices
{
    /// <summary>Binds <see cref="WarehouseOptions"/> from "Warehouse" and opens the warehouse once for the app's lifetime.</summary>
    /// <param name="opened">Runs once on the opened warehouse before anyone reads it (e.g. building the marts of
    /// snapshots loaded before a mart existed), so that read paths never write.</param>
    public static IServiceCollection AddWarehouse(this IServiceCollection services, Action<WarehouseDb>? opened = null)
    {
        services.AddOptions<WarehouseOptions>().BindConfiguration("Warehouse")
            .Validate(o => o.Path.Length > 0, "Warehouse:Path (--db) chưa được đặt.");
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WarehouseOptions>>().Value;
            var db = new WarehouseDb(options.Path, string.IsNullOrWhiteSpace(options.MemoryBudget) ? null : options.MemoryBudget);
            opened?.Invoke(db);
            return db;
        });
        services.AddSingleton<UnitMap>();
        services.AddSingleton<SnapshotCatalog>();
        return services;
    }

    /// <summary>The pseudonymiser of the configured key; a real load without a key is refused.</summary>
    public static Pseudonymiser RequirePseudonymiser(this WarehouseOptions options) =>
        string.IsNullOrWhiteSpace(options.PseudonymKey)
            ? throw new InvalidOperationException("Thiếu khoá bí danh hoá (Warehouse:PseudonymKey): không nạp dữ liệu khi chưa có khoá. (pseudonymisation key not configured)")
            : new Pseudonymiser(options.PseudonymKey);
}
