using System.Data;
using Dapper;
using HoSoSucKhoe.Warehouse;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>One row of the send log (<c>mail_send</c>): who, what, period, when, message id, outcome, error.</summary>
public sealed record MailSendRow(long SubscriptionId, string PeriodKey, string PeriodLabel, string MessageId, string Address,
    string Kind, string UnitCode, string Status, int Attempts, DateTime ClaimedAt, DateTime? FinishedAt, DateTime? NextAttemptAt,
    string? SnapshotId, decimal? CoveragePct, string? Error);

/// <summary>Statuses of <see cref="MailSendRow.Status"/>.</summary>
public static class SendStatus
{
    /// <summary>Claimed, message being sent. Left so by a crash between the SMTP accept and the record: never resent
    /// automatically (docs/mail.md).</summary>
    public const string Sending = "sending";
    public const string Sent = "sent";
    /// <summary>Transient failure; tried again at <see cref="MailSendRow.NextAttemptAt"/>.</summary>
    public const string Retry = "retry";
    public const string Failed = "failed";
    /// <summary>No new snapshot since the last message and the subscription skips unchanged data.</summary>
    public const string Skipped = "skipped";
}

/// <summary>Subscriptions and the send log in the warehouse: plain SQL on <see cref="WarehouseDb"/>.</summary>
public sealed class MailStore(WarehouseDb db)
{
    const string Columns = """
        subscription_id, address, recipient_name, user_name, role, scope, unit_code, kind, cron, time_zone, skip_unchanged,
        created_at, created_by, removed_at
        """;

    const string LogColumns = """
        subscription_id, period_key, period_label, message_id, address, kind, unit_code, status, attempts, claimed_at,
        finished_at, next_attempt_at, snapshot_id, coverage_pct, error
        """;

    public MailSubscription Add(MailSubscription s)
    {
        using var c = db.Open();
        var id = c.ExecuteScalar<long>("""
            INSERT INTO mail_subscription (address, recipient_name, user_name, role, scope, unit_code, kind, cron, time_zone,
                skip_unchanged, created_at, created_by)
            VALUES ($address, $name, $user, $role, $scope, $unit, $kind, $cron, $tz, $skip, $created, $by)
            RETURNING subscription_id
            """, new
        {
            address = s.Address, name = s.RecipientName, user = s.UserName, role = s.Role, scope = s.Scope, unit = s.UnitCode,
            kind = s.Kind, cron = s.Cron, tz = s.TimeZone, skip = s.SkipUnchanged, created = s.CreatedAt, by = s.CreatedBy,
        });
        return s with { SubscriptionId = id };
    }

    /// <summary>Subscriptions not removed, by id.</summary>
    public IReadOnlyList<MailSubscription> Active()
    {
        using var c = db.Open();
        return [.. c.Query<MailSubscription>($"SELECT {Columns} FROM mail_subscription WHERE removed_at IS NULL ORDER BY subscription_id")];
    }

    public MailSubscription? Find(long id)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<MailSubscription>($"SELECT {Columns} FROM mail_subscription WHERE subscription_id = $id AND removed_at IS NULL", new { id });
    }

    /// <summary>Marks a subscription removed (its log stays); false when there is no such active subscription.</summary>
    public bool Remove(long id, DateTime at)
    {
        using var c = db.Open();
        return c.Execute("UPDATE mail_subscription SET removed_at = $at WHERE subscription_id = $id AND removed_at IS NULL", new { id, at }) == 1;
    }

    /// <summary>The send log, newest first (optionally of one subscription).</summary>
    public IReadOnlyList<MailSendRow> Log(long? subscriptionId = null, int limit = 200)
    {
        using var c = db.Open();
        return [.. c.Query<MailSendRow>($"""
            SELECT {LogColumns} FROM mail_send WHERE $id IS NULL OR subscription_id = $id
            ORDER BY claimed_at DESC, subscription_id, period_key LIMIT $limit
            """, new { id = subscriptionId, limit })];
    }

    internal MailSendRow? LogRow(long subscriptionId, string periodKey)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<MailSendRow>($"SELECT {LogColumns} FROM mail_send WHERE subscription_id = $id AND period_key = $key",
            new { id = subscriptionId, key = periodKey });
    }

    /// <summary>Every claimed period key of a subscription (any status).</summary>
    internal HashSet<string> ClaimedKeys(IDbConnection c, long subscriptionId) =>
        [.. c.Query<string>("SELECT period_key FROM mail_send WHERE subscription_id = $id", new { id = subscriptionId })];

    /// <summary>The last message actually sent to a subscription (what "unchanged" and "change since" compare with).</summary>
    internal MailSendRow? LastSent(long subscriptionId)
    {
        using var c = db.Open();
        return c.QueryFirstOrDefault<MailSendRow>($"""
            SELECT {LogColumns} FROM mail_send WHERE subscription_id = $id AND status = 'sent' ORDER BY finished_at DESC LIMIT 1
            """, new { id = subscriptionId });
    }

    /// <summary>Claims (subscription, period) in a transaction: true when this call inserted the row. A period claimed
    /// before, whatever its outcome, is never claimed again.</summary>
    internal bool Claim(MailSubscription s, MailPeriod p, string messageId, DateTime now)
    {
        using var c = db.Open();
        // One statement, one transaction: the primary key refuses a second claim of the same period.
        return c.Execute("""
            INSERT INTO mail_send (subscription_id, period_key, period_label, message_id, address, kind, unit_code, status, attempts, claimed_at)
            VALUES ($id, $key, $label, $mid, $address, $kind, $unit, 'sending', 1, $now)
            ON CONFLICT DO NOTHING
            """, new { id = s.SubscriptionId, key = p.Key, label = p.Label, mid = messageId, address = s.Address, kind = s.Kind, unit = s.UnitCode, now }) == 1;
    }

    /// <summary>Rows waiting for a retry whose time has come.</summary>
    internal IReadOnlyList<MailSendRow> RetriesDue(DateTime now)
    {
        using var c = db.Open();
        return [.. c.Query<MailSendRow>($"SELECT {LogColumns} FROM mail_send WHERE status = 'retry' AND next_attempt_at <= $now ORDER BY next_attempt_at",
            new { now })];
    }

    /// <summary>The earliest pending retry.</summary>
    internal DateTime? NextRetry()
    {
        using var c = db.Open();
        return c.ExecuteScalar<DateTime?>("SELECT min(next_attempt_at) FROM mail_send WHERE status = 'retry'");
    }

    /// <summary>Claims a due retry again (retry → sending, one more attempt); false when another pass took it.</summary>
    internal bool ClaimRetry(MailSendRow r, DateTime now)
    {
        using var c = db.Open();
        return c.Execute("""
            UPDATE mail_send SET status = 'sending', attempts = attempts + 1, next_attempt_at = NULL
            WHERE subscription_id = $id AND period_key = $key AND status = 'retry' AND next_attempt_at <= $now
            """, new { id = r.SubscriptionId, key = r.PeriodKey, now }) == 1;
    }

    /// <summary>Records the outcome of a claimed send.</summary>
    internal void Record(long subscriptionId, string periodKey, string status, DateTime now, string? snapshotId, decimal? coveragePct,
        string? error, DateTime? nextAttempt = null)
    {
        using var c = db.Open();
        c.Execute("""
            UPDATE mail_send SET status = $status, finished_at = CASE WHEN $status = 'retry' THEN NULL ELSE $now END,
                next_attempt_at = $next, snapshot_id = coalesce($sid, snapshot_id), coverage_pct = coalesce($pct, coverage_pct), error = $error
            WHERE subscription_id = $id AND period_key = $key
            """, new { id = subscriptionId, key = periodKey, status, now, next = nextAttempt, sid = snapshotId, pct = coveragePct, error });
    }
}
