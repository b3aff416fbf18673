using System.Globalization;
using Cronos;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>One period of a subscription: the cron occurrence that opened it (<see cref="Key"/>, UTC) and how users
/// read it (<see cref="Label"/>: "tuần 48/2026" for the ISO week of the occurrence's local date, "tháng 11/2026" for its
/// month). A send-now has a key of its own (<c>manual:…</c>) so that it never takes a scheduled period's place.</summary>
public sealed record MailPeriod(string Key, string Label, DateTimeOffset At)
{
    /// <summary>The period of a scheduled occurrence.</summary>
    public static MailPeriod Scheduled(string kind, DateTimeOffset occurrence, TimeZoneInfo zone) =>
        new(occurrence.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture), LabelOf(kind, occurrence, zone), occurrence);

    /// <summary>A send-now at <paramref name="now"/>: labelled as the period it falls in.</summary>
    public static MailPeriod Manual(string kind, DateTimeOffset now, TimeZoneInfo zone) =>
        new("manual:" + now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), LabelOf(kind, now, zone), now);

    static string LabelOf(string kind, DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        return ReportKinds.IsWeekly(kind)
            ? $"tuần {ISOWeek.GetWeekOfYear(local)}/{ISOWeek.GetYear(local)}"
            : $"tháng {local.Month}/{local.Year}";
    }

    /// <summary>The stable Message-Id of (subscription, period): a resend of the same period carries the same one.</summary>
    public static string MessageId(long subscriptionId, string periodKey, string domain) =>
        $"hssk-{subscriptionId}-{new string([.. periodKey.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-')])}@{domain}";
}

/// <summary>Cron schedules (five fields, Cronos) in a subscription's time zone.</summary>
public static class MailSchedule
{
    /// <summary>Parses a cron expression; null with the reason when it is not one.</summary>
    public static CronExpression? TryParse(string cron, out string? error)
    {
        try { error = null; return CronExpression.Parse(cron.Trim(), CronFormat.Standard); }
        catch (CronFormatException e) { error = e.Message; return null; }
    }

    /// <summary>A time zone by IANA (or Windows) id; null when unknown.</summary>
    public static TimeZoneInfo? Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    /// <summary>The latest occurrence at or before <paramref name="now"/> and not before <paramref name="notBefore"/>:
    /// the one period that is due. Earlier missed occurrences are not returned (caught up once, not once each).</summary>
    public static DateTimeOffset? LatestDue(CronExpression cron, TimeZoneInfo zone, DateTimeOffset now, DateTimeOffset notBefore)
    {
        // Widening windows back from now: a minutely cron is found in the first, a yearly one in the last.
        foreach (var window in new[] { TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(35), TimeSpan.FromDays(400) })
        {
            var from = now - window < notBefore ? notBefore : now - window;
            if (from > now) return null;
            DateTimeOffset? last = null;
            foreach (var o in cron.GetOccurrences(from, now, zone, fromInclusive: true, toInclusive: true)) last = o;
            if (last is not null) return last;
            if (from == notBefore) return null;
        }
        return null;
    }

    /// <summary>The next occurrence after <paramref name="now"/>.</summary>
    public static DateTimeOffset? Next(CronExpression cron, TimeZoneInfo zone, DateTimeOffset now) =>
        cron.GetNextOccurrence(now, zone, inclusive: false);
}
