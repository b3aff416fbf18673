using System.Globalization;
using HoSoSucKhoe.Warehouse.Marts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>
/// Delivery (docs/mail.md): for each subscription the one due period (the latest cron occurrence not yet claimed,
/// so missed schedules are caught up once), and the retries whose time has come. Sends go in groups of
/// <see cref="MailOptions.ClaimGroup"/>: the group is claimed in the warehouse in one transaction before any of its
/// messages goes to SMTP, and the group's outcomes are recorded in one transaction after its last message. A period
/// claimed once is never claimed again, so a crash after the claim leaves the group's unrecorded rows 'sending' and none
/// of them is resent: at most once, and a crash strands at most one group. Reports are built ahead, in parallel, while
/// the messages go out over one SMTP connection. One batch at a time in this process; DuckDB's file lock keeps every
/// other process out of the warehouse.
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

    /// <summary>Time spent claiming and recording in the warehouse (the benchmark).</summary>
    internal TimeSpan StoreTime { get; private set; }

    /// <summary>Time the sending loop waited for or built reports (the benchmark).</summary>
    internal TimeSpan ReportTime { get; private set; }

    /// <summary>The access answer for one (user or role + scope, unit, kind) within one batch: asked once, not per message.</summary>
    sealed record Batch(Dictionary<long, MailSendRow> LastSent, Dictionary<(string?, string, string?, string, string), MailRefusal?> Access);

    DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>Sends every due period and due retry; returns their log rows.</summary>
    public async Task<IReadOnlyList<MailSendRow>> RunDueAsync(CancellationToken ct = default)
    {
        await batch.WaitAsync(ct);
        try
        {
            reports.Clear();
            var now = time.GetUtcNow();
            var active = store.Active();
            var work = new List<MailClaim>();
            foreach (var s in active)
                if (Due(s, now) is { } p) work.Add(new MailClaim(s, p, MailPeriod.MessageId(s.SubscriptionId, p.Key, o.MessageIdDomain), 1));
            if (work.Count > 0)
            {
                var claimed = store.ClaimedSince(work.Min(w => w.Period.At.UtcDateTime));
                work.RemoveAll(w => claimed.Contains((w.Subscription.SubscriptionId, w.Period.Key)));
            }
            // The recipients of one report next to each other: the report built ahead is then used at once.
            work = [.. work.OrderBy(w => w.Subscription.UnitCode, StringComparer.Ordinal).ThenBy(w => w.Subscription.SubscriptionId)];
            var byId = active.ToDictionary(s => s.SubscriptionId);
            foreach (var r in store.RetriesDue(now.UtcDateTime))
            {
                // A subscription removed since: claimed like the others and recorded failed (RemovedAt set).
                var s = byId.GetValueOrDefault(r.SubscriptionId) ?? new MailSubscription
                {
                    SubscriptionId = r.SubscriptionId, Address = r.Address, RecipientName = "", Role = "", UnitCode = r.UnitCode, Kind = r.Kind,
                    Cron = "", RemovedAt = now.UtcDateTime,
                };
                work.Add(new MailClaim(s, new MailPeriod(r.PeriodKey, r.PeriodLabel, new DateTimeOffset(r.ClaimedAt, TimeSpan.Zero)), r.MessageId, r.Attempts + 1));
            }
            if (work.Count == 0) return [];

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var ahead = BuildAhead(work, stop.Token);
            try
            {
                var state = new Batch(store.LastSent(), []);
                var results = new List<MailSendRow>(work.Count);
                await using var session = new SmtpSession(o);
                for (var i = 0; i < work.Count; i += Math.Max(1, o.ClaimGroup))
                {
                    ct.ThrowIfCancellationRequested();
                    results.AddRange(await SendGroupAsync(session, work.GetRange(i, Math.Min(Math.Max(1, o.ClaimGroup), work.Count - i)), state, ct));
                }
                return results;
            }
            finally
            {
                await stop.CancelAsync();
                await ahead;
            }
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
            var claim = new MailClaim(s, period, MailPeriod.MessageId(s.SubscriptionId, period.Key, o.MessageIdDomain), 1);
            await using var session = new SmtpSession(o);
            var rows = await SendGroupAsync(session, [claim], new Batch(store.LastSent(), []), ct);
            return rows.Count == 1 ? rows[0] : store.LogRow(s.SubscriptionId, period.Key);
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

    /// <summary>Builds the batch's reports in the background, in the order the messages need them, one per (unit, kind,
    /// period); a failure is left for the sending loop to meet and record.</summary>
    Task BuildAhead(List<MailClaim> work, CancellationToken ct)
    {
        var keys = work.Where(w => w.Subscription.RemovedAt is null)
            .Select(w => (w.Subscription.UnitCode, w.Subscription.Kind, w.Period.Key)).Distinct().ToList();
        return Task.Run(() =>
        {
            try
            {
                Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                    k => { try { reports.For(k.UnitCode, k.Kind, k.Key); } catch (Exception e) when (e is not OperationCanceledException) { } });
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
    }

    /// <summary>Claims a group (one commit), sends what it took, records the outcomes (one commit). On shutdown, what was
    /// done is recorded and the claims not yet handed to SMTP are given back; any other exception is a crash and leaves
    /// the group's rows 'sending'.</summary>
    async Task<IReadOnlyList<MailSendRow>> SendGroupAsync(SmtpSession session, IReadOnlyList<MailClaim> group, Batch state, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var claims = store.Claim(group, Now());
        StoreTime += watch.Elapsed;
        var outcomes = new List<MailOutcome>(claims.Count);
        var handed = false;
        try
        {
            foreach (var claim in claims)
            {
                ct.ThrowIfCancellationRequested();
                handed = false;
                outcomes.Add(await SendClaimedAsync(session, claim, state, () => handed = true, ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The message in flight (handed to SMTP, no answer) stays 'sending': it may have been accepted.
            store.Record(outcomes);
            store.Release([.. claims.Skip(outcomes.Count + (handed ? 1 : 0))], Now());
            throw;
        }
        watch.Restart();
        var rows = store.Record(outcomes);
        StoreTime += watch.Elapsed;
        return rows;
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

    async Task<MailOutcome> SendClaimedAsync(SmtpSession session, MailClaim claim, Batch state, Action handing, CancellationToken ct)
    {
        var (s, period) = (claim.Subscription, claim.Period);
        MailOutcome Outcome(string status, string? snapshot, decimal? pct, string? error, DateTime? next = null) =>
            new(s.SubscriptionId, period.Key, status, Now(), snapshot, pct, error, next);

        if (s.RemovedAt is not null) return Outcome(SendStatus.Failed, null, null, "Đăng ký đã bị xoá trước lần gửi lại.");
        var who = (s.UserName, s.Role, s.Scope, s.UnitCode, s.Kind);
        if (!state.Access.TryGetValue(who, out var refusal)) state.Access[who] = refusal = access(s);
        if (refusal is not null)
        {
            if (refusal.Skip) AccessSkipped(log, s.SubscriptionId, period.Key, refusal.Reason);
            else AccessRefused(log, s.SubscriptionId, period.Key, refusal.Reason);
            return Outcome(refusal.Skip ? SendStatus.Skipped : SendStatus.Failed, null, null, refusal.Reason);
        }
        MailReport report;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try { report = reports.For(s.UnitCode, s.Kind, period.Key); }
        catch (KpiNotFoundException)
        {
            return Outcome(SendStatus.Failed, null, null, $"Chưa có ảnh chụp nào có số liệu của đơn vị {s.UnitCode}.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing was sent: recorded failed, the batch goes on.
            ReportFailed(log, e, s.SubscriptionId, period.Key);
            return Outcome(SendStatus.Failed, null, null, $"Không lập được báo cáo: {e.Message}");
        }
        finally { ReportTime += watch.Elapsed; }
        var snapshot = report.Unit.Snapshot.SnapshotId;
        var last = state.LastSent.GetValueOrDefault(s.SubscriptionId);
        if (s.SkipUnchanged && last?.SnapshotId == snapshot)
            return Outcome(SendStatus.Skipped, snapshot, report.Own.CoveragePct,
                "Không có ảnh chụp mới kể từ lần gửi trước: không gửi (tuỳ chọn bỏ qua khi số liệu không đổi).");
        var message = messages.Build(s, period, claim.MessageId, report, last);
        watch.Restart();
        handing();
        var outcome = await session.SendAsync(message, ct);
        SmtpTime += watch.Elapsed;
        if (outcome.Accepted)
        {
            AfterAccept?.Invoke(message);
            state.LastSent[s.SubscriptionId] = new MailSendRow(s.SubscriptionId, period.Key, period.Label, claim.MessageId, s.Address, s.Kind,
                s.UnitCode, SendStatus.Sent, claim.Attempt, Now(), Now(), null, snapshot, report.Own.CoveragePct, null);
            return Outcome(SendStatus.Sent, snapshot, report.Own.CoveragePct, null);
        }
        if (outcome.Transient && claim.Attempt < o.MaxAttempts)
        {
            var wait = o.RetryDelay * Math.Pow(2, claim.Attempt - 1);
            SendRetry(log, s.SubscriptionId, period.Key, outcome.Error);
            return Outcome(SendStatus.Retry, snapshot, report.Own.CoveragePct,
                $"{outcome.Error} (lần {claim.Attempt}/{o.MaxAttempts}; thử lại lúc {(Now() + wait).ToString("HH:mm:ss dd/MM/yyyy", CultureInfo.InvariantCulture)} UTC)",
                Now() + wait);
        }
        SendFailed(log, s.SubscriptionId, period.Key, outcome.Error);
        return Outcome(SendStatus.Failed, snapshot, report.Own.CoveragePct,
            outcome.Transient ? $"{outcome.Error} (đã thử {claim.Attempt} lần)" : outcome.Error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail subscription {Id}: invalid schedule '{Cron}' in '{Zone}', skipped")]
    static partial void InvalidSchedule(ILogger logger, long id, string cron, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail subscription {Id}, period {Period}: transient failure, will retry: {Error}")]
    static partial void SendRetry(ILogger logger, long id, string period, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail subscription {Id}, period {Period}: failed: {Error}")]
    static partial void SendFailed(ILogger logger, long id, string period, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail subscription {Id}, period {Period}: skipped: {Reason}")]
    static partial void AccessSkipped(ILogger logger, long id, string period, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail subscription {Id}, period {Period}: refused: {Reason}")]
    static partial void AccessRefused(ILogger logger, long id, string period, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail subscription {Id}, period {Period}: the report could not be built")]
    static partial void ReportFailed(ILogger logger, Exception e, long id, string period);
}
