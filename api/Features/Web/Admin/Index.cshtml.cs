using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Features.Mail;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Snapshots;
using Microsoft.AspNetCore.Mvc;

namespace HoSoSucKhoe.Api.Features.Web.Admin;

/// <summary>The subscription form's fields (<c>sub.*</c>), as <see cref="SubscriptionRequest"/> takes them.</summary>
public sealed class SubscriptionForm
{
    public string? Address { get; set; }
    public string? Name { get; set; }
    public string? User { get; set; }
    public string? Role { get; set; }
    public string? Scope { get; set; }
    public string? Unit { get; set; }
    public string? Kind { get; set; }
    public string? Cron { get; set; }
    public string? TimeZone { get; set; }
    public bool SkipUnchanged { get; set; }

    public SubscriptionRequest Request() => new(Address, Name, User, Role, Scope, Unit, Kind, Cron, TimeZone, SkipUnchanged);
}

/// <summary>Administration (<c>/quan-tri</c>, admins only, by the folder's policy): loaded snapshots, users (add, disable,
/// enable, reset password; the same <see cref="UserStore"/> as the <c>users</c> verb), report e-mail subscriptions (list,
/// add with the same <see cref="SubscriptionRules"/> as the API and the <c>subscriptions</c> verb, remove, send now), the
/// send log and the line-list audit log.</summary>
public sealed class IndexModel(SnapshotCatalog catalog, UnitScope scope, QueryGate gate, UserStore users, WarehouseDb db,
    SubscriptionRules rules, MailStore mail, MailDispatcher dispatcher, TimeProvider time)
    : WebPageModel(catalog, scope, gate)
{
    static readonly TimeZoneInfo Vietnam = MailSchedule.Zone(MailSubscription.DefaultTimeZone) ?? TimeZoneInfo.Utc;

    public IReadOnlyList<SnapshotLoadFacts> Snapshots { get; private set; } = [];
    public IReadOnlyList<WebUser> Users { get; private set; } = [];
    public IReadOnlyList<AuditRow> Audit { get; private set; } = [];
    public IReadOnlyList<MailSubscription> Subscriptions { get; private set; } = [];
    public IReadOnlyList<MailSendRow> MailLog { get; private set; } = [];
    public string? Message { get; private set; }
    public bool Failed { get; private set; }

    /// <summary>The subscription form's errors by field (the API's field names), each naming its field.</summary>
    public IReadOnlyDictionary<string, string[]> SubscriptionErrors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>What the subscription form was sent with (kept when it is refused).</summary>
    public SubscriptionForm Sub { get; private set; } = new();

    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? Role { get; set; }
    [BindProperty] public string? UnitScopeCode { get; set; }
    [BindProperty] public string? Password { get; set; }

    public void OnGet() => Load();

    public IActionResult OnPostAdd() => Change(() => users.Add(UserName ?? "", DisplayName ?? "", Role ?? "", UnitScopeCode, Password ?? ""),
        $"Đã thêm người dùng '{UserStore.Normalize(UserName ?? "")}'.");

    public IActionResult OnPostDisable() => Change(() => users.SetDisabled(UserName ?? "", true), $"Đã vô hiệu hoá '{UserName}'.");

    public IActionResult OnPostEnable() => Change(() => users.SetDisabled(UserName ?? "", false), $"Đã cho phép lại '{UserName}'.");

    public IActionResult OnPostReset() => Change(() => users.ResetPassword(UserName ?? "", Password ?? ""), $"Đã đặt lại mật khẩu của '{UserName}'.");

    /// <summary>Adds a subscription: <see cref="SubscriptionRules.Validate"/>, as <c>POST /api/admin/subscriptions</c>.</summary>
    public IActionResult OnPostAddSubscription([FromForm(Name = "sub")] SubscriptionForm sub)
    {
        Sub = sub;
        var (subscription, errors) = rules.Validate(sub.Request(), Caller.Name, time.GetUtcNow().UtcDateTime);
        if (subscription is null)
        {
            SubscriptionErrors = errors;
            return Refused($"Không thêm được đăng ký — {string.Join(" ", errors.Values.SelectMany(v => v))}");
        }
        var saved = mail.Add(subscription);
        Sub = new();
        Message = $"Đã thêm đăng ký {saved.SubscriptionId}: {KindLabel(saved.Kind)} của {saved.UnitCode} cho {saved.RecipientName} <{saved.Address}>.";
        Load();
        return Page();
    }

    public IActionResult OnPostRemoveSubscription(long subscriptionId)
    {
        if (!mail.Remove(subscriptionId, time.GetUtcNow().UtcDateTime))
            return Refused($"Không xoá được — không có đăng ký đang hoạt động mã {subscriptionId}.");
        Message = $"Đã xoá đăng ký {subscriptionId} (nhật ký gửi được giữ lại).";
        Load();
        return Page();
    }

    /// <summary>Sends a subscription's report now (a period of its own), as <c>POST /api/admin/subscriptions/{id}/send</c>.</summary>
    public async Task<IActionResult> OnPostSendSubscriptionAsync(long subscriptionId)
    {
        if (await dispatcher.SendNowAsync(subscriptionId, HttpContext.RequestAborted) is not { } row)
            return Refused($"Không gửi được — không có đăng ký đang hoạt động mã {subscriptionId}.");
        Message = $"Đăng ký {subscriptionId}, {row.PeriodLabel}: {StatusLabel(row.Status)} (Message-Id {row.MessageId})" +
                  (row.Error is null ? "." : $" — {row.Error}");
        Failed = row.Status != SendStatus.Sent;
        Load();
        return Page();
    }

    IActionResult Refused(string message)
    {
        Message = message;
        Failed = true;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        Load();
        return Page();
    }

    IActionResult Change(Action change, string done)
    {
        try
        {
            change();
            Message = done;
        }
        catch (UserException e)
        {
            return Refused($"Không thực hiện được — {e.Message}");
        }
        Load();
        return Page();
    }

    void Load()
    {
        Snapshots = Catalog.WithLoadFacts();
        Users = users.List();
        using (var c = db.Open()) Audit = LineLists.AuditLog(c, 100);
        Subscriptions = mail.Active();
        MailLog = mail.Log(limit: 100);
        SetShell("admin", Catalog.VisibleTo(null).LastOrDefault()?.ProvinceCode, null, []);
        ViewData["Title"] = "Quản trị";
    }

    /// <summary>The error of a subscription field (null: none).</summary>
    public string? ErrorOf(string field) => SubscriptionErrors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    /// <summary>A UTC time of the warehouse in Vietnam time, dd/MM/yyyy HH:mm.</summary>
    public static string Local(DateTime? utc) =>
        Vi.Date(utc is { } t ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), Vietnam) : null);

    public static string KindLabel(string kind) => kind switch
    {
        ReportKinds.WeeklyCoverage => "Báo cáo tuần (độ bao phủ, chỉ tiêu)",
        ReportKinds.MonthlyAppendix => "Phụ lục tháng (kèm tệp Excel)",
        ReportKinds.MonthlyNcd => "Tăng huyết áp, đái tháo đường (tháng)",
        _ => kind,
    };

    public static string StatusLabel(string status) => status switch
    {
        SendStatus.Sending => "đang gửi / chưa ghi kết quả",
        SendStatus.Sent => "đã gửi",
        SendStatus.Retry => "chờ gửi lại",
        SendStatus.Failed => "không gửi được",
        SendStatus.Skipped => "bỏ qua",
        _ => status,
    };
}
