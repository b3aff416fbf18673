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

/// <summary>One (subscription, period) to claim and send: <see cref="Attempt"/> 1 for a new period, more for a retry.</summary>
sealed record MailClaim(MailSubscription Subscription, MailPeriod Period, string MessageId, int Attempt);

/// <summary>What became of one claimed send.</summary>
sealed record MailOutcome(long SubscriptionId, string PeriodKey, string Status, DateTime At, string? SnapshotId, decimal? CoveragePct,
    string? Error, DateTime? NextAttempt = null);

/// <summary>Subscriptions and the send log in the warehouse: plain SQL on <see cref="WarehouseDb"/>. Claims and outcomes
/// are written a group at a time, one transaction (one commit to the file) per group (docs/mail.md, "At most once").</summary>
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

    /// <summary>(subscription, period) of every row claimed at or after <paramref name="since"/>, any status: a period is
    /// claimed after its occurrence, so this holds every claim of the periods due from then on.</summary>
    internal HashSet<(long SubscriptionId, string PeriodKey)> ClaimedSince(DateTime since)
    {
        using var c = db.Open();
        return [.. c.Query<(long, string)>("SELECT subscription_id, period_key FROM mail_send WHERE claimed_at >= $since", new { since })];
    }

    /// <summary>The last message actually sent to each subscription (what "unchanged" and "change since" compare with).</summary>
    internal Dictionary<long, MailSendRow> LastSent()
    {
        using var c = db.Open();
        return c.Query<MailSendRow>($"""
            SELECT {LogColumns} FROM mail_send WHERE status = 'sent'
            QUALIFY row_number() OVER (PARTITION BY subscription_id ORDER BY finished_at DESC) = 1
            """).ToDictionary(r => r.SubscriptionId);
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

    /// <summary>Claims a group of sends in one transaction (one commit for the group): a new period is inserted as
    /// 'sending' (a period claimed before, whatever its outcome, is never claimed again: the primary key); a due retry goes
    /// from 'retry' back to 'sending' with one more attempt. Returns the claims this call took, in order. A few statements
    /// per group, not one per message: on this machine each statement costs milliseconds.</summary>
    internal IReadOnlyList<MailClaim> Claim(IReadOnlyList<MailClaim> group, DateTime now)
    {
        if (group.Count == 0) return [];
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        var keys = new DynamicParameters(new { now });
        var existing = c.Query<(long, string, string, DateTime?)>(
            "SELECT subscription_id, period_key, status, next_attempt_at FROM mail_send" + "\n" +
            $"JOIN (VALUES {Keys(keys, group.Select(g => (g.Subscription.SubscriptionId, g.Period.Key)))}) v(sid, pkey)" + "\n" +
            "ON subscription_id = v.sid AND period_key = v.pkey", keys, tx).ToDictionary(r => (r.Item1, r.Item2), r => (Status: r.Item3, Next: r.Item4));
        var taken = group.Where(g =>
        {
            var (status, next) = existing.GetValueOrDefault((g.Subscription.SubscriptionId, g.Period.Key));
            return g.Attempt == 1 ? status is null : status == SendStatus.Retry && next <= now;
        }).ToList();
        var fresh = taken.Where(g => g.Attempt == 1).ToList();
        if (fresh.Count > 0)
        {
            var p = new DynamicParameters(new { now });
            var rows = string.Join(", ", fresh.Select((g, i) =>
            {
                p.AddDynamicParams(new Dictionary<string, object?>
                {
                    [$"s{i}"] = g.Subscription.SubscriptionId, [$"k{i}"] = g.Period.Key, [$"l{i}"] = g.Period.Label, [$"m{i}"] = g.MessageId,
                    [$"a{i}"] = g.Subscription.Address, [$"t{i}"] = g.Subscription.Kind, [$"u{i}"] = g.Subscription.UnitCode,
                });
                return $"($s{i}, $k{i}, $l{i}, $m{i}, $a{i}, $t{i}, $u{i}, 'sending', 1, $now)";
            }));
            c.Execute("INSERT INTO mail_send (subscription_id, period_key, period_label, message_id, address, kind, unit_code, status, attempts, claimed_at)" + "\n" +
                $"VALUES {rows}", p, tx);
        }
        var retries = taken.Where(g => g.Attempt > 1).ToList();
        if (retries.Count > 0)
        {
            var p = new DynamicParameters();
            c.Execute("UPDATE mail_send SET status = 'sending', attempts = attempts + 1, next_attempt_at = NULL" + "\n" +
                $"FROM (VALUES {Keys(p, retries.Select(g => (g.Subscription.SubscriptionId, g.Period.Key)))}) v(sid, pkey)" + "\n" +
                "WHERE subscription_id = v.sid AND period_key = v.pkey", p, tx);
        }
        tx.Commit();
        return taken;
    }

    /// <summary>(subscription, period) keys as a VALUES list of parameters.</summary>
    static string Keys(DynamicParameters p, IEnumerable<(long SubscriptionId, string PeriodKey)> keys) =>
        string.Join(", ", keys.Select((k, i) =>
        {
            p.Add($"ks{i}", k.SubscriptionId);
            p.Add($"kk{i}", k.PeriodKey);
            return $"($ks{i}, $kk{i})";
        }));

    /// <summary>Gives back claims that were never handed to SMTP (a batch stopped by shutdown), so that the next batch
    /// takes them: a first attempt's row is deleted, a retry's goes back to 'retry', due now.</summary>
    internal void Release(IReadOnlyList<MailClaim> unsent, DateTime now)
    {
        if (unsent.Count == 0) return;
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        foreach (var g in unsent)
            c.Execute(g.Attempt == 1
                    ? "DELETE FROM mail_send WHERE subscription_id = $id AND period_key = $key AND status = 'sending'"
                    : "UPDATE mail_send SET status = 'retry', attempts = attempts - 1, next_attempt_at = $now WHERE subscription_id = $id AND period_key = $key AND status = 'sending'",
                new { id = g.Subscription.SubscriptionId, key = g.Period.Key, now }, tx);
        tx.Commit();
    }

    /// <summary>Records the outcomes of a group of claimed sends in one statement (one commit); returns their log rows,
    /// in order.</summary>
    internal IReadOnlyList<MailSendRow> Record(IReadOnlyList<MailOutcome> outcomes)
    {
        if (outcomes.Count == 0) return [];
        using var c = db.Open();
        var p = new DynamicParameters();
        var rows = string.Join(", ", outcomes.Select((o, i) =>
        {
            p.AddDynamicParams(new Dictionary<string, object?>
            {
                [$"s{i}"] = o.SubscriptionId, [$"k{i}"] = o.PeriodKey, [$"st{i}"] = o.Status, [$"f{i}"] = o.At, [$"n{i}"] = o.NextAttempt,
                [$"sn{i}"] = o.SnapshotId, [$"pc{i}"] = o.CoveragePct, [$"e{i}"] = o.Error,
            });
            return $"($s{i}, $k{i}, $st{i}, $f{i}, $n{i}, $sn{i}, $pc{i}, $e{i})";
        }));
        c.Execute("""
            UPDATE mail_send SET status = v.st, finished_at = CASE WHEN v.st = 'retry' THEN NULL ELSE v.fin::TIMESTAMP END,
                next_attempt_at = v.nxt::TIMESTAMP, snapshot_id = coalesce(v.snap::VARCHAR, snapshot_id),
                coverage_pct = coalesce(v.pct::DECIMAL(9,2), coverage_pct), error = v.err::VARCHAR
            """ + "\n" + $"FROM (VALUES {rows}) v(sid, pkey, st, fin, nxt, snap, pct, err)" + "\n" +
            "WHERE subscription_id = v.sid AND period_key = v.pkey", p);
        var keys = new DynamicParameters();
        var read = c.Query<MailSendRow>($"SELECT {LogColumns} FROM mail_send" + "\n" +
                $"JOIN (VALUES {Keys(keys, outcomes.Select(o => (o.SubscriptionId, o.PeriodKey)))}) v(sid, pkey)" + "\n" +
                "ON subscription_id = v.sid AND period_key = v.pkey", keys)
            .ToDictionary(r => (r.SubscriptionId, r.PeriodKey));
        return [.. outcomes.Select(o => read[(o.SubscriptionId, o.PeriodKey)])];
    }
}
