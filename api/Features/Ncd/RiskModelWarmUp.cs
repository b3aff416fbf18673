using HoSoSucKhoe.Models.Ncd;

namespace HoSoSucKhoe.Api.Features.Ncd;

/// <summary>Trains the risk model if stale and scores every snapshot in the background once the server has started,
/// so that no request trains it (reads wait for <see cref="RiskModels.Ready"/> instead).</summary>
sealed partial class RiskModelWarmUp(RiskModels models, IHostApplicationLifetime lifetime, ILogger<RiskModelWarmUp> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        lifetime.ApplicationStarted.Register(() => models.RefreshInBackground(e => Failed(log, e)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Không huấn luyện được mô hình nguy cơ (risk model refresh failed)")]
    static partial void Failed(ILogger logger, Exception exception);
}
