using System.Text.RegularExpressions;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Warehouse.Reference;
using MimeKit;

namespace HoSoSucKhoe.Api.Features.Mail;

/// <summary>A new subscription as the API (JSON), the administration page and <c>subscriptions add</c> give it. Either
/// <see cref="User"/> (a user name of <c>web_user</c>, the people who sign in: the user's role and scope apply, now and at
/// every send) or <see cref="Role"/> with
/// <see cref="Scope"/> as for API keys. <see cref="Cron"/> defaults to Monday 07:00 (weekly) or the 1st at 07:00
/// (monthly), <see cref="TimeZone"/> to Asia/Ho_Chi_Minh.</summary>
public sealed record SubscriptionRequest(string? Address, string? Name, string? User, string? Role, string? Scope, string? Unit,
    string? Kind, string? Cron = null, string? TimeZone = null, bool SkipUnchanged = false);

/// <summary>Who may receive what, for the API, the administration page, the command line and the dispatcher — one piece
/// of code for all four: the same roles, scopes and unit rules as API keys and users (<see cref="AccessOptionsValidator"/>,
/// <see cref="UnitScope"/>), a user-tied subscription with the user's role and scope from the warehouse
/// (<see cref="UserStore"/>).</summary>
public sealed partial class SubscriptionRules(UnitScope scope, UserStore users)
{
    public const string WeeklyCron = "0 7 * * 1", MonthlyCron = "0 7 1 * *";

    /// <summary>The subscription, or the errors by field (Vietnamese, each naming its field).</summary>
    public (MailSubscription? Subscription, Dictionary<string, string[]> Errors) Validate(SubscriptionRequest r, string createdBy, DateTime nowUtc)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [$"Trường '{field}': {message}"];

        var address = r.Address?.Trim() ?? "";
        if (address.Length == 0) Error("address", "bắt buộc (địa chỉ thư điện tử của người nhận).");
        else if (!Address().IsMatch(address) || !MailboxAddress.TryParse(address, out _))
            Error("address", $"'{address}' không phải là địa chỉ thư điện tử hợp lệ (ví dụ: ten@soyte.gov.vn).");
        var name = r.Name?.Trim() ?? "";
        if (name.Length == 0) Error("name", "bắt buộc (tên người nhận).");
        // The name goes into the To header of every message: no line breaks or other control characters.
        else if (name.Any(char.IsControl)) Error("name", "không được chứa xuống dòng hay ký tự điều khiển (tên người nhận nằm trong tiêu đề thư).");

        string? role = null, unitScope = null;
        var user = string.IsNullOrWhiteSpace(r.User) ? null : r.User.Trim();
        if (user is not null)
        {
            if (!string.IsNullOrWhiteSpace(r.Role) || !string.IsNullOrWhiteSpace(r.Scope))
                Error("role", "để trống khi đăng ký gắn với người dùng (vai trò và phạm vi lấy theo người dùng).");
            else if (users.Find(user) is not { } u) Error("user", $"không có người dùng '{UserStore.Normalize(user)}' (tên đăng nhập; xem trang Quản trị hoặc lệnh users list).");
            else if (u.Disabled) Error("user", $"người dùng '{u.UserName}' đã bị vô hiệu hoá: không đăng ký nhận báo cáo được.");
            else (user, role, unitScope) = (u.UserName, u.Role, Blank(u.Scope));
        }
        else if (string.IsNullOrWhiteSpace(r.Role)) Error("role", $"bắt buộc khi không gắn với người dùng ({string.Join(", ", Roles.All)}).");
        else
        {
            (role, unitScope) = (r.Role.Trim(), Blank(r.Scope));
            if (RoleScopeProblem(role, unitScope) is { } problem) Error(problem.Contains("Scope") && Roles.All.Contains(role) ? "scope" : "role", problem);
        }

        var unit = r.Unit?.Trim() ?? "";
        var footprint = unit.Length == 0 ? null : scope.Footprint(ReferenceData.System2025, unit);
        if (unit.Length == 0) Error("unit", "bắt buộc (mã tỉnh 2 chữ số hoặc mã xã/phường 5 chữ số, hệ mã 2025).");
        else if (footprint is not { Exists: true } || footprint.Level is not (Levels.Province or Levels.Commune))
            Error("unit", $"không có đơn vị mã '{unit}' (cần mã tỉnh 2 chữ số hoặc mã xã/phường 5 chữ số, hệ mã 2025).");
        else if (role is not null && !errors.ContainsKey("role") && !errors.ContainsKey("scope") && !Allows(role, unitScope, unit))
            Error("unit", $"đơn vị '{unit}' nằm ngoài phạm vi {(unitScope is null ? "" : $"'{unitScope}' ")}của người nhận (vai trò {role}).");

        var kind = r.Kind?.Trim() ?? "";
        if (!ReportKinds.All.Contains(kind)) Error("kind", $"'{kind}' không hợp lệ; dùng một trong: {string.Join(", ", ReportKinds.All)}.");
        else if (kind == ReportKinds.MonthlyNcd && role is not null and not (Roles.Epidemiologist or Roles.Admin))
            Error("kind", $"báo cáo {kind} dành cho vai trò epidemiologist (người nhận có vai trò {role}).");

        var cron = string.IsNullOrWhiteSpace(r.Cron) ? (ReportKinds.IsWeekly(kind) ? WeeklyCron : MonthlyCron) : r.Cron.Trim();
        if (MailSchedule.TryParse(cron, out var cronError) is null)
            Error("cron", $"'{cron}' không phải biểu thức cron 5 trường hợp lệ (phút giờ ngày tháng thứ; ví dụ '0 7 * * 1' = 07:00 thứ Hai). ({cronError})");
        var zone = string.IsNullOrWhiteSpace(r.TimeZone) ? MailSubscription.DefaultTimeZone : r.TimeZone.Trim();
        if (MailSchedule.Zone(zone) is null) Error("timeZone", $"không có múi giờ '{zone}' (dùng tên IANA, ví dụ Asia/Ho_Chi_Minh).");

        if (errors.Count > 0) return (null, errors);
        return (new MailSubscription
        {
            Address = address, RecipientName = name, UserName = user, Role = role!, Scope = unitScope, UnitCode = unit, Kind = kind,
            Cron = cron, TimeZone = zone, SkipUnchanged = r.SkipUnchanged, CreatedAt = nowUtc, CreatedBy = createdBy,
        }, errors);
    }

    /// <summary>The <see cref="MailAccessCheck"/>: at each send, the user's current role and scope (or the subscription's
    /// own) must still allow the unit and the kind. A disabled user's subscription is skipped (logged, nothing sent) until
    /// the user is enabled again; a user no longer in the warehouse makes the send fail.</summary>
    public MailRefusal? Check(MailSubscription s)
    {
        var (role, unitScope) = (s.Role, s.Scope);
        if (s.UserName is { } user)
        {
            if (users.Find(user) is not { } u) return new($"Người dùng '{user}' không còn trong danh sách người dùng: không gửi.");
            if (u.Disabled) return new($"Người dùng '{u.UserName}' đã bị vô hiệu hoá: không gửi (gửi lại từ kỳ sau khi người dùng được cho phép lại).", Skip: true);
            (role, unitScope) = (u.Role, Blank(u.Scope));
        }
        if (RoleScopeProblem(role, unitScope) is { } problem) return new($"Vai trò hoặc phạm vi của người nhận không hợp lệ: {problem}");
        if (s.Kind == ReportKinds.MonthlyNcd && role is not (Roles.Epidemiologist or Roles.Admin))
            return new($"Báo cáo {s.Kind} dành cho vai trò epidemiologist; người nhận có vai trò {role}: không gửi.");
        return Allows(role, unitScope, s.UnitCode) ? null : new($"Đơn vị '{s.UnitCode}' nằm ngoài phạm vi của người nhận: không gửi.");
    }

    bool Allows(string role, string? unitScope, string unit) =>
        scope.Allows(new Caller("", role, unitScope, unitScope is null ? null : CredentialStore.ProvinceOf(unitScope)), ReferenceData.System2025, unit);

    /// <summary>The rule of API keys and users for a role and scope (<see cref="AccessOptionsValidator.ScopeProblem"/>).</summary>
    static string? RoleScopeProblem(string role, string? unitScope) => AccessOptionsValidator.ScopeProblem(role, unitScope);

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^[^@\s""<>(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")]
    private static partial Regex Address();
}
