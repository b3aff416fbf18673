using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Reports.Mail;

namespace HoSoSucKhoe.Api.Features.Mail;

/// <summary>Subscriptions and the send log (docs/api.md, "E-mail"); admin only.</summary>
public static class MailEndpoints
{
    /// <summary>reports/Mail with the API's access rules as its <see cref="MailAccessCheck"/>.</summary>
    public static IServiceCollection AddMailReports(this IServiceCollection services)
    {
        services.AddSingleton<SubscriptionRules>();
        services.AddSingleton<MailAccessCheck>(sp => sp.GetRequiredService<SubscriptionRules>().Check);
        return services.AddMail();
    }

    public static void MapMail(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Mail").RequireAuthorization(AccessEndpoints.AdminPolicy);

        group.MapGet("/subscriptions", (MailStore store) => store.Active())
            .WithSummary("Các đăng ký nhận báo cáo qua thư điện tử đang hoạt động; chỉ quản trị viên.");

        group.MapPost("/subscriptions", IResult (SubscriptionRequest request, SubscriptionRules rules, MailStore store, TimeProvider time, Caller caller) =>
        {
            var (subscription, errors) = rules.Validate(request, caller.Name, time.GetUtcNow().UtcDateTime);
            if (subscription is null)
                return TypedResults.ValidationProblem(errors, string.Join(" ", errors.Values.SelectMany(v => v)), title: "Đăng ký không hợp lệ");
            var saved = store.Add(subscription);
            return TypedResults.Created($"/api/admin/subscriptions/{saved.SubscriptionId}", saved);
        }).WithSummary("Thêm một đăng ký (người nhận, người dùng hoặc vai trò + phạm vi, đơn vị, loại báo cáo, lịch cron, múi giờ).");

        group.MapDelete("/subscriptions/{id:long}", IResult (long id, MailStore store, TimeProvider time) =>
            store.Remove(id, time.GetUtcNow().UtcDateTime) ? TypedResults.NoContent() : throw NotFound(id))
            .WithSummary("Xoá một đăng ký (nhật ký gửi của nó được giữ lại).");

        group.MapPost("/subscriptions/{id:long}/send", async (long id, MailDispatcher dispatcher, CancellationToken ct) =>
            await dispatcher.SendNowAsync(id, ct) ?? throw NotFound(id))
            .WithSummary("Gửi ngay báo cáo của một đăng ký (một kỳ riêng 'manual:…', không thay kỳ theo lịch).");

        group.MapGet("/mail-log", (MailStore store, long? subscription, int? limit) =>
            limit is < 1 or > 10000 ? throw Problems.BadParameter("limit", limit.ToString(), "cần số nguyên từ 1 đến 10000")
                : store.Log(subscription, limit ?? 200))
            .WithSummary("Nhật ký gửi thư (mới nhất trước): người nhận, loại, kỳ, thời điểm, Message-Id, kết quả, lỗi.");
    }

    static ProblemException NotFound(long id) =>
        new(StatusCodes.Status404NotFound, "Không tìm thấy đăng ký", $"Không có đăng ký đang hoạt động mã {id}.");
}
