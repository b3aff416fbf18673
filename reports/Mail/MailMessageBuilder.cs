using System.Globalization;
using System.Text;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using Microsoft.Extensions.Options;
using MimeKit;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>Turns a <see cref="MailReport"/> into the message for one recipient: Vietnamese subject with the unit and
/// period, an HTML body and a plain-text alternative with the same figures (vi-VN numbers, dd/MM/yyyy dates), the chart
/// as an inline Content-Id image, the appendix attached for the appendix kind, the stable Message-Id.</summary>
public sealed class MailMessageBuilder(IOptions<MailOptions> options)
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    readonly MailOptions o = options.Value;

    /// <summary>A titled table of the body; the HTML and the text are both written from these.</summary>
    sealed record Section(string Title, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string? Note = null);

    /// <param name="lastSent">The subscription's last message (change since it; "unchanged" when it had the same snapshot).</param>
    public MimeMessage Build(MailSubscription s, MailPeriod period, string messageId, MailReport r, MailSendRow? lastSent)
    {
        var unit = r.Unit;
        var snapshot = unit.Snapshot;
        var subject = $"[HSSK] {ReportKinds.Title(r.Kind)} {period.Label} — {unit.Name}";
        var unchanged = lastSent?.SnapshotId == snapshot.SnapshotId;
        var lines = new List<string>
        {
            $"Số liệu của ảnh chụp {snapshot.SnapshotId}, tính đến ngày {snapshot.AsOf.ToString("dd/MM/yyyy", Vi)}.",
        };
        if (unchanged) lines.Add("Số liệu không thay đổi kể từ lần gửi trước (chưa có ảnh chụp mới).");
        lines.Add($"Tỷ lệ dân số được quản lý sức khỏe: {Pct(r.Own.CoveragePct)} ({N(r.Own.Managed)} người được quản lý / {N(r.Own.Population)} dân số).");
        lines.Add(Change(r, lastSent));

        var sections = new List<Section>
        {
            new("Chỉ tiêu", ["Chỉ số", "Chỉ tiêu", "Hiện đạt", "Còn thiếu (người)", "Dự kiến đạt"],
                [.. r.Targets.Targets.Select(t => (IReadOnlyList<string>)[t.MeasureLabel, $"{t.Target.Label} ({t.Plan})", Pct(t.ValuePct),
                    t.Meets == true ? "đã đạt" : N(t.Gap), Projection(t.Projection)])]),
        };
        if (r.Lagging.Count > 0)
        {
            var first = r.Appendix.Targets.FirstOrDefault();
            sections.Add(new($"Xã, phường chưa đạt chỉ tiêu{(first is null ? "" : " " + first.Label)} (thấp nhất trước)",
                ["Đơn vị", "Dân số", "Được quản lý", "Tỷ lệ", "Còn thiếu (người)"],
                [.. r.Lagging.Select(c => (IReadOnlyList<string>)[c.Name, N(c.Population), N(c.Managed), Pct(c.CoveragePct), N(c.Targets.FirstOrDefault()?.Gap)])]));
        }
        if (r.Kind == ReportKinds.MonthlyNcd) sections.AddRange(Ncd(r, s));

        var link = o.PageOf(unit.Code);
        var builder = new BodyBuilder();
        var chart = builder.LinkedResources.Add("bieu-do.png", r.ChartPng, new ContentType("image", "png"));
        chart.ContentId = $"chart-{messageId}";
        builder.TextBody = Text(subject, lines, sections, link);
        builder.HtmlBody = Html(subject, lines, sections, link, chart.ContentId);
        if (r.Attachment is { } file) builder.Attachments.Add(file.FileName, file.Content, ContentType.Parse(file.ContentType));

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName, o.FromAddress));
        message.To.Add(new MailboxAddress(s.RecipientName, s.Address));
        message.Subject = subject;
        message.MessageId = messageId;
        message.Date = period.At;
        message.Headers.Add("X-HSSK-Subscription", s.SubscriptionId.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add("X-HSSK-Period", period.Key);
        message.Body = builder.ToMessageBody();
        return message;
    }

    static string Change(MailReport r, MailSendRow? lastSent)
    {
        var points = r.Series.Points;
        var current = points.LastOrDefault(p => p.SnapshotId == r.Unit.Snapshot.SnapshotId);
        var before = lastSent?.SnapshotId is { } sid && sid != r.Unit.Snapshot.SnapshotId
            ? points.LastOrDefault(p => p.SnapshotId == sid)
            : null;
        before ??= current is null ? null : points.LastOrDefault(p => p.AsOf < current.AsOf);
        if (current?.Row.CoveragePct is not { } now || before?.Row.CoveragePct is not { } then)
            return "Thay đổi: chưa có số liệu trước để so sánh.";
        var delta = now - then;
        return $"Thay đổi so với ảnh chụp {before.SnapshotId} (ngày {before.AsOf.ToString("dd/MM/yyyy", Vi)}: {Pct(then)}): " +
               $"{(delta > 0 ? "+" : delta < 0 ? "−" : "")}{Math.Abs(delta).ToString("0.00", Vi)} điểm phần trăm.";
    }

    static IEnumerable<Section> Ncd(MailReport r, MailSubscription s)
    {
        if (r.Cascade is null || r.Suppression is null)
        {
            yield return new("Tăng huyết áp và đái tháo đường", [], [], "Ảnh chụp này chưa có số liệu tăng huyết áp, đái tháo đường của đơn vị.");
            yield break;
        }
        // The recipient's audience: only a commune's own officer sees its small counts (docs/definitions.md, "Disclosure control").
        var view = r.Suppression.Disclose(r.Cascade, new Audience(s.Role == "commune_officer" ? s.Scope : null));
        foreach (var (title, steps) in new[] { ("Tăng huyết áp", view.Hypertension), ("Đái tháo đường", view.Diabetes), ("Quản lý tăng huyết áp (chương trình)", view.Programme) })
            yield return new(title, ["Bước", "Số người", "Tỷ lệ", "Mẫu số"],
                [.. steps.Select(st => (IReadOnlyList<string>)[st.Name, st.Count is { } n ? N(n) : st.Suppressed ? "ẩn (số nhỏ)" : "—",
                    st.Share is { } x ? Pct((decimal)Math.Round(x * 100, 2)) : "—", st.DenominatorName ?? ""])],
                st0(steps));

        static string? st0(IReadOnlyList<CascadeStep> steps) =>
            steps.Any(x => x.Suppressed) ? "Một số ô bị ẩn vì số nhỏ (kiểm soát công bố)." : null;
    }

    // Statuses of warehouse/Marts/Projection.cs (internal there).
    static string Projection(TargetProjection p) => p.Status switch
    {
        "reached" => "đã đạt",
        "projected" when p.Date is { } d =>
            $"{d.ToString("dd/MM/yyyy", Vi)}{(p.OnTime == false ? " (trễ hạn)" : p.OnTime == true ? " (kịp hạn)" : "")}",
        "not_rising" => "không tăng: không dự kiến được",
        "too_few_points" => "chưa đủ số liệu để dự kiến",
        "too_slow" => "tăng quá chậm: sau năm 2100",
        _ => p.Status,
    };

    static string N(long? n) => n is { } v ? v.ToString("N0", Vi) : "không có mẫu số";

    static string Pct(decimal? p) => p is { } v ? v.ToString("0.00", Vi) + "%" : "không có mẫu số";

    static string Text(string subject, List<string> lines, List<Section> sections, string link)
    {
        var t = new StringBuilder().AppendLine(subject).AppendLine();
        foreach (var l in lines) t.AppendLine(l);
        foreach (var s in sections)
        {
            t.AppendLine().AppendLine(s.Title).AppendLine(new string('=', s.Title.Length));
            foreach (var row in s.Rows) t.AppendLine("- " + string.Join(" | ", row.Select((cell, i) => $"{s.Header[i]}: {cell}")));
            if (s.Note is not null) t.AppendLine(s.Note);
        }
        return t.AppendLine().AppendLine($"Xem bảng điều khiển: {link}").AppendLine()
            .AppendLine("Thư tự động của hệ thống Hồ sơ sức khỏe điện tử; không trả lời thư này.").ToString();
    }

    static string Html(string subject, List<string> lines, List<Section> sections, string link, string chartId)
    {
        // Only the markup characters: Vietnamese letters stay as they are (UTF-8), not as numeric references.
        static string E(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
        var h = new StringBuilder("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:Arial,sans-serif\">");
        h.Append($"<h2>{E(subject)}</h2>");
        foreach (var l in lines) h.Append($"<p>{E(l)}</p>");
        h.Append($"<p><img src=\"cid:{E(chartId)}\" alt=\"Biểu đồ tỷ lệ quản lý sức khỏe theo ảnh chụp, với chỉ tiêu\" width=\"360\" height=\"160\"></p>");
        foreach (var s in sections)
        {
            h.Append($"<h3>{E(s.Title)}</h3>");
            if (s.Rows.Count > 0)
            {
                h.Append("<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\" style=\"border-collapse:collapse\"><tr>");
                foreach (var c in s.Header) h.Append($"<th>{E(c)}</th>");
                h.Append("</tr>");
                foreach (var row in s.Rows) h.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{E(c)}</td>"))).Append("</tr>");
                h.Append("</table>");
            }
            if (s.Note is not null) h.Append($"<p>{E(s.Note)}</p>");
        }
        h.Append($"<p><a href=\"{E(link)}\">Xem bảng điều khiển</a> ({E(link)})</p>");
        return h.Append("<p style=\"color:#666\">Thư tự động của hệ thống Hồ sơ sức khỏe điện tử; không trả lời thư này.</p></body></html>").ToString();
    }
}
