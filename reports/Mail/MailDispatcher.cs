using System.Globalization;
using HoSoSucKhoe.Warehouse.Marts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>
/// Delivery (docs/mail.md): for each subscription the one due period (the latest cron occurrence not yet claimed,
/// so missed schedules are caught up once), and the retries whose time has come. Each (subscription, period) is claimed
/// in the warehouse in a transaction before its message goes to SMTP and its outcome recorded after; a period claimed
/// once is never claimed again, so a crash after the SMTP accept leaves it 'sending' and it is not resent. Claims are
/// taken one at a time, just before each send, so a crash mid-batch strands at most the one message in flight.
/// One batch at a time in this process; DuckDB's file lock keeps every other process out of the warehouse.
/// </summary>
public sealed partial class MailDispatcher(MailStore store, MailReports reports, MailMessageBuilder messages, MailAccessCheck access,
    TimeProvider time, IOptions<MailOptions> options, ILogger<MailDispatcher> log)
{
    readonly SemaphoreSlim batch = new(1, 1);
    readonly MailOptions o = options.Value;

    /// <summary>Tests: runs after the SMTP server accepted a message and before its outcome is recorded (a throw
    /// here is a crash in that window).</summary>
    internal Action<MimeMessage>? AfterAccept { get; set; }

    /// <summary>Time spent in SMTP exchanges (the benchmark).</summary>
    internal TimeSpan SmtpTime { get; private set; }

    /// <summary>Sends every due period and due retry; returns their log rows.</summary>
    public async Task<IReadOnlyList<MailSendRow>> RunDueAsync(CancellationToken ct = default)
    {
        await batch.WaitAsync(ct);
        try
        {
            var results = new List<MailSendRow>();
            await using var session = new SmtpSession(o);
            var due = store.Active().Select(s => (Subscription: s, Period: Due(s, time.GetUtcNow()))).Where(d => d.Period is not null).ToList();
            // Reports first, in parallel, one per (unit, kind, period); claims and sends then follow one by one.
            Parallel.ForEach(due.Select(d => (d.Subscription.UnitCode, d.Subscription.Kind, d.Period!.Key)).Distinct(),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                k => { try { reports.For(k.UnitCode, k.Kind, k.Key); } catch (KpiNotFoundException) { } });
            foreach (var (s, period) in due.Select(d => (d.Subscription, d.Period!)))
            {
                ct.ThrowIfCancellationRequested();
                var messageId = MailPeriod.MessageId(s.SubscriptionId, period.Key, o.MessageIdDomain);
                if (!store.Claim(s, period, messageId, time.GetUtcNow().UtcDateTime)) continue;
                results.Add(await SendClaimedAsync(session, s, period, messageId, attempt: 1, ct));
            }
            foreach (var r in store.RetriesDue(time.GetUtcNow().UtcDateTime))
            {
                ct.ThrowIfCancellationRequested();
                if (!store.ClaimRetry(r, time.GetUtcNow().UtcDateTime)) continue;
                if (store.Find(r.SubscriptionId) is not { } s)
                {
                    store.Record(r.SubscriptionId, r.PeriodKey, SendStatus.Failed, time.GetUtcNow().UtcDateTime, null, null, "Đăng ký đã bị xoá trước lần gửi lại.");
                    continue;
                }
                var period = new MailPeriod(r.PeriodKey, r.PeriodLabel, new DateTimeOffset(r.ClaimedAt, TimeSpan.Zero));
                results.Add(await SendClaimedAsync(session, s, period, r.MessageId, r.Attempts + 1, ct));
            }
            return results;
        }
        finally { batch.Release(); }
    }

    /// <summary>Sends a subscription's report now, as its own period (<c>manual:…</c>): scheduled periods are not affected.</summary>
    /// <returns>The log row, or null when there is no such active subscription.</returns>
    public async Task<MailSendRow?> SendNowAsync(long subscriptionId, CancellationToken ct = default)
    {
        if (store.Find(subscriptionId) is not { } s) return null;
        await batch.WaitAsync(ct);
        try
        {
            var zone = MailSchedule.Zone(s.TimeZone) ?? TimeZoneInfo.Utc;
            var period = MailPeriod.Manual(s.Kind, time.GetUtcNow(), zone);
            var messageId = MailPeriod.MessageId(s.SubscriptionId, period.Key, o.MessageIdDomain);
            if (!store.Claim(s, period, messageId, time.GetUtcNow().UtcDateTime)) return store.LogRow(s.SubscriptionId, period.Key);
            await using var session = new SmtpSession(o);
            return await SendClaimedAsync(session, s, period, messageId, 1, ct);
        }
        finally { batch.Release(); }
    }

    /// <summary>When the next period opens or the next retry is due (null: nothing scheduled).</summary>
    public DateTimeOffset? NextWake(DateTimeOffset now)
    {
        DateTimeOffset? next = store.NextRetry() is { } retry ? new DateTimeOffset(retry, TimeSpan.Zero) : null;
        foreach (var s in store.Active())
        {
            if (MailSchedule.TryParse(s.Cron, out _) is not { } cron || MailSchedule.Zone(s.TimeZone) is not { } zone) continue;
            if (MailSchedule.Next(cron, zone, now) is { } n && (next is null || n < next)) next = n;
        }
        return next;
    }

    MailPeriod? Due(MailSubscription s, DateTimeOffset now)
    {
        if (MailSchedule.TryParse(s.Cron, out _) is not { } cron || MailSchedule.Zone(s.TimeZone) is not { } zone)
        {
            InvalidSchedule(log, s.SubscriptionId, s.Cron, s.TimeZone);
            return null;
        }
        var created = new DateTimeOffset(DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc));
        return MailSchedule.LatestDue(cron, zone, now, created) is { } at ? MailPeriod.Scheduled(s.Kind, at, zone) : null;
    }

    async Task<MailSendRow> SendClaimedAsync(SmtpSession session, MailSubscription s, MailPeriod period, string messageId, int attempt,
        CancellationToken ct)
    {
        DateTime Now() => time.GetUtcNow().UtcDateTime;
        if (access(s) is { } refusal)
        {
            store.Record(s.SubscriptionId, period.Key, SendStatus.Failed, Now(), null, null, refusal);
            return store.LogRow(s.SubscriptionId, period.Key)!;
        }
        MailReport report;
        try { report = reports.For(s.UnitCode, s.Kind, period.Key); }
        catch (KpiNotFoundException)
        {
            store.Record(s.SubscriptionId, period.Key, SendStatus.Failed, Now(), null, null,
                $"Chưa có ảnh chụp nào có số liệu của đơn vị {s.UnitCode}.");
            return store.LogRow(s.SubscriptionId, period.Key)!;
        }
        var snapshot = report.Unit.Snapshot.SnapshotId;
        var last = store.LastSent(s.SubscriptionId);
        if (s.SkipUnchanged && last?.SnapshotId == snapshot)
        {
            store.Record(s.SubscriptionId, period.Key, SendStatus.Skipped, Now(), snapshot, report.Own.CoveragePct,
                "Không có ảnh chụp mới kể từ lần gửi trước: không gửi (tuỳ chọn bỏ qua khi số liệu không đổi).");
            return store.LogRow(s.SubscriptionId, period.Key)!;
        }
        var message = messages.Build(s, period, messageId, report, last);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await session.SendAsync(message, ct);
        SmtpTime += watch.Elapsed;
        if (outcome.Accepted)
        {
            AfterAccept?.Invoke(message);
            store.Record(s.SubscriptionId, period.Key, SendStatus.Sent, Now(), snapshot, report.Own.CoveragePct, null);
        }
        else if (outcome.Transient && attempt < o.MaxAttempts)
        {
            var wait = o.RetryDelay * Math.Pow(2, attempt - 1);
            store.Record(s.SubscriptionId, period.Key, SendStatus.Retry, Now(), snapshot, report.Own.CoveragePct,
                $"{outcome.Error} (lần {attempt}/{o.MaxAttempts}; thử lại lúc {(Now() + wait).ToString("HH:mm:ss dd/MM/yyyy", CultureInfo.InvariantCulture)} UTC)", Now() + wait);
            SendRetry(log, s.SubscriptionId, period.Key, outcome.Error);
        }
        else
        {
            store.Record(s.SubscriptionId, period.Key, SendStatus.Failed, Now(), snapshot, report.Own.CoveragePct,
                outcome.Transient ? $"{outcome.Error} (đã thử {attempt} lần)" : outcome.Error);
            SendFailed(log, s.SubscriptionId, period.Key, outcome.Error);
        }
        return store.LogRow(s.SubscriptionId, period.Key)!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail subscription {Id}: invalid schedule '{Cron}' in '{Zone}', skipped")]
    static partial void InvalidSchedule(ILogger logger, long id, string cron, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail subscription {Id}, period {Period}: transient failure, will retry: {Error}")]
    static partial void SendRetry(ILogger logger, long id, string period, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail subscription {Id}, period {Period}: failed: {Error}")]
    static partial void SendFailed(ILogger logger, long id, string period, string? error);
}
