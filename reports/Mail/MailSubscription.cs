namespace HoSoSucKhoe.Reports.Mail;

/// <summary>The report kinds a subscription can receive.</summary>
public static class ReportKinds
{
    /// <summary>Coverage against the targets, lagging communes, change since the last report.</summary>
    public const string WeeklyCoverage = "weekly_coverage";

    /// <summary>The coverage summary with the appendix workbook attached.</summary>
    public const string MonthlyAppendix = "monthly_appendix";

    /// <summary>Hypertension and diabetes cascades (for epidemiologists), with the coverage summary.</summary>
    public const string MonthlyNcd = "monthly_ncd";

    public static readonly IReadOnlyList<string> All = [WeeklyCoverage, MonthlyAppendix, MonthlyNcd];

    /// <summary>Whether the period is an ISO week (else a calendar month).</summary>
    public static bool IsWeekly(string kind) => kind == WeeklyCoverage;

    /// <summary>The report's name in the subject and the body.</summary>
    public static string Title(string kind) => kind switch
    {
        WeeklyCoverage => "Báo cáo",
        MonthlyAppendix => "Phụ lục độ bao phủ hồ sơ sức khỏe",
        MonthlyNcd => "Tăng huyết áp và đái tháo đường",
        _ => kind,
    };
}

/// <summary>A subscription as stored in <c>mail_subscription</c> (warehouse/Schema/007_mail.sql).</summary>
public sealed record MailSubscription
{
    public const string DefaultTimeZone = "Asia/Ho_Chi_Minh";

    public long SubscriptionId { get; init; }
    public required string Address { get; init; }
    public required string RecipientName { get; init; }

    /// <summary>Tied to this user: the role and scope checked at each send are the user's at that time.</summary>
    public string? UserName { get; init; }
    public required string Role { get; init; }
    public string? Scope { get; init; }
    public required string UnitCode { get; init; }
    public required string Kind { get; init; }
    public required string Cron { get; init; }
    public string TimeZone { get; init; } = DefaultTimeZone;

    /// <summary>True: nothing is sent when no new snapshot came since the last message; false: send it with
    /// "Số liệu không thay đổi".</summary>
    public bool SkipUnchanged { get; init; }
    public DateTime CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime? RemovedAt { get; init; }
}

/// <summary>Why a subscription receives nothing this time (Vietnamese, for the send log). <see cref="Skip"/>: logged
/// 'skipped' (the recipient's user is disabled: nothing is wrong with the subscription, it resumes when the user is enabled
/// again); otherwise 'failed' (the unit or kind is outside what the recipient may see, or the user is gone).</summary>
public sealed record MailRefusal(string Reason, bool Skip = false);

/// <summary>Says whether a subscription may receive its unit now: null when it may, else the refusal. Bound by the api to
/// its access rules (the users' current role, scope and state in the warehouse, UnitScope), so that a recipient never
/// receives a unit outside its scope even after the user's scope changed.</summary>
public delegate MailRefusal? MailAccessCheck(MailSubscription subscription);
