using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary>Once the server has started, in the background: trains the risk model if stale and scores every snapshot
/// (so that no request trains it; reads wait for <see cref="RiskModels.Ready"/>), then reads every snapshot's NCD data
/// and suppression pattern into the <see cref="NcdDataStore"/> so that the first series request does not pay for it.</summary>
public sealed partial class RiskModelWarmUp(RiskModels models, NcdDataStore ncd, SnapshotCatalog catalog, IHostApplicationLifetime lifetime,
    ILogger<RiskModelWarmUp> log) : IHostedService
{
    readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the warm-up has finished (or stopped with the server): a benchmark measures after it.</summary>
    public Task Done => done.Task;

    public Task StartAsync(CancellationToken ct)
    {
        var stopping = lifetime.ApplicationStopping;
        lifetime.ApplicationStarted.Register(() => models.RefreshInBackground(e => Failed(log, e)).ContinueWith(_ =>
        {
            try
            {
                foreach (var s in catalog.All())
                {
                    if (stopping.IsCancellationRequested) return;
                    ncd.Prepare(s);
                }
            }
            // A server that stops mid-warm-up closes the warehouse under it: not a failure.
            catch (Exception e)
            {
                if (!stopping.IsCancellationRequested) Failed(log, e);
            }
            finally { done.TrySetResult(); }
        }, TaskScheduler.Default));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Khởi động nền không hoàn tất (background warm-up failed)")]
    static partial void Failed(ILogger logger, Exception exception);
}
