using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary>Once the server has started, in the background: trains the risk model if stale and scores every snapshot
/// (so that no request trains it; reads wait for <see cref="RiskModels.Ready"/>), then reads every snapshot's NCD data
/// and suppression pattern into the <see cref="NcdDataStore"/> so that the first series request does not pay for it.</summary>
sealed partial class RiskModelWarmUp(RiskModels models, NcdDataStore ncd, SnapshotCatalog catalog, IHostApplicationLifetime lifetime,
    ILogger<RiskModelWarmUp> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        lifetime.ApplicationStarted.Register(() => models.RefreshInBackground(e => Failed(log, e)).ContinueWith(_ =>
        {
            try
            {
                foreach (var s in catalog.All()) ncd.Prepare(s);
            }
            catch (Exception e) { Failed(log, e); }
        }, TaskScheduler.Default));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Khởi động nền không hoàn tất (background warm-up failed)")]
    static partial void Failed(ILogger logger, Exception exception);
}
