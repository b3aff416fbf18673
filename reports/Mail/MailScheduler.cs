using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>Runs <see cref="MailDispatcher.RunDueAsync"/> at start (the catch-up) and whenever a period opens or a retry
/// is due, on the injected <see cref="TimeProvider"/>; at least once a minute so that new subscriptions are seen.
/// Only when <c>Mail:Enabled</c> is true.</summary>
public sealed partial class MailScheduler(MailDispatcher dispatcher, TimeProvider time, IOptions<MailOptions> options, ILogger<MailScheduler> log)
    : BackgroundService
{
    static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try { await dispatcher.RunDueAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e) { BatchFailed(log, e); }
            var now = time.GetUtcNow();
            var wait = dispatcher.NextWake(now) is { } next ? next - now : MaxSleep;
            wait = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > MaxSleep ? MaxSleep : wait;
            try { await Task.Delay(wait, time, ct); }
            catch (OperationCanceledException) { break; }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail batch failed; the next one runs at the next wake-up")]
    static partial void BatchFailed(ILogger logger, Exception e);
}
