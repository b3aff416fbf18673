using System.Globalization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Marts;
using MimeKit;

namespace HoSoSucKhoe.Tests.Mail;

/// <summary>What arrives at a real SMTP server on 127.0.0.1, read back with MimeKit.</summary>
[Collection("warehouse")]
public sealed class MailMessageTests(WarehouseFixture fixture) : IAsyncLifetime
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");
    readonly SmtpSink smtp = new();
    MailBed bed = null!;

    public Task InitializeAsync()
    {
        smtp.Start();
        bed = new MailBed(fixture, smtp.Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        bed.Dispose();
        await smtp.DisposeAsync();
    }

    async Task<MimeMessage> SendOne(string address, string unit, string kind, string role = Roles.Leadership, string? scope = null)
    {
        bed.Add(address, unit, kind, role, scope, cron: kind == ReportKinds.WeeklyCoverage ? MailBed.Weekly : "0 7 23 * *");
        bed.Time.SetUtcNow(MailBed.Start.AddHours(1).AddSeconds(30));
        var rows = await bed.Dispatcher.RunDueAsync();
        Assert.Equal(SendStatus.Sent, Assert.Single(rows).Status);
        return Assert.Single(smtp.To(address));
    }

    [Fact]
    public async Task WeeklySummaryHasVietnameseSubjectFiguresOfTheTargetsQueryAndAnInlineChart()
    {
        var m = await SendOne("lanhdao@soyte.example.vn", bed.Province, ReportKinds.WeeklyCoverage);
        var targets = bed.Queries.Targets(bed.Province);
        var unit = targets.Unit;
        Assert.Equal($"[HSSK] Báo cáo tuần 48/2026 — {unit.Name}", m.Subject);

        var text = m.TextBody;
        var html = m.HtmlBody;
        var children = bed.Queries.Children(new CoverageRequest(bed.Province));
        var pct = children.Total.CoveragePct!.Value.ToString("0.00", Vi) + "%";
        var line = $"Tỷ lệ dân số được quản lý sức khỏe: {pct} ({children.Total.Managed.ToString("N0", Vi)} người được quản lý / {children.Total.Population!.Value.ToString("N0", Vi)} dân số).";
        var asOf = $"Số liệu của ảnh chụp {unit.Snapshot.SnapshotId}, tính đến ngày {unit.Snapshot.AsOf:dd/MM/yyyy}.";
        foreach (var body in new[] { text, html })
        {
            Assert.Contains(line, body);
            Assert.Contains(asOf, body);
            Assert.Contains("https://hssk.example.vn/", body);
            // Every target with its plan and gap, from CoverageQueries.Targets.
            foreach (var t in targets.Targets)
            {
                Assert.Contains(t.MeasureLabel, body);
                Assert.Contains(t.Target.Label, body);
                if (t.Meets == false) Assert.Contains(t.Gap!.Value.ToString("N0", Vi), body);
            }
        }
        Assert.Contains("Thay đổi so với ảnh chụp", text);
        Assert.Contains("Xã, phường chưa đạt chỉ tiêu", text);
        foreach (var lagging in children.Rows.Where(r => r.Targets[0].Meets == false).OrderBy(r => r.CoveragePct).ThenBy(r => r.Code, StringComparer.Ordinal).Take(3))
            Assert.Contains(lagging.Name, html);

        // The chart: an image part whose Content-Id the HTML references, not a remote link.
        var image = Assert.Single(m.BodyParts.OfType<MimePart>(), p => p.ContentType.IsMimeType("image", "png"));
        Assert.False(string.IsNullOrEmpty(image.ContentId));
        Assert.Contains($"src=\"cid:{image.ContentId}\"", html);
        Assert.DoesNotContain("src=\"http", html);
        using var png = new MemoryStream();
        image.Content!.DecodeTo(png);
        Assert.Equal([137, 80, 78, 71], png.ToArray()[..4]);
        Assert.Empty(m.Attachments);
        Assert.StartsWith("hssk-", m.MessageId);
    }

    [Fact]
    public async Task CommuneAppendixIsAttachedAndHoldsOnlyTheCommuneRowAsTheApiHasIt()
    {
        var commune = bed.Communes[0];
        var m = await SendOne("canbo@xa.example.vn", commune, ReportKinds.MonthlyAppendix, Roles.CommuneOfficer, commune);
        Assert.Matches(@"^\[HSSK\] Phụ lục độ bao phủ hồ sơ sức khỏe tháng 11/2026 — ", m.Subject);
        var attachment = Assert.IsAssignableFrom<MimePart>(Assert.Single(m.Attachments));
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        var province = bed.Queries.Children(new CoverageRequest(bed.Province));
        var own = province.Rows.Single(r => r.Code == commune);
        using var wb = HoSoSucKhoe.Tests.Reports.WorkbookReader.Open(content.ToArray());
        var ws = wb.Worksheet(HoSoSucKhoe.Reports.Excel.AppendixSheet.Name);
        var names = ws.Column(2).CellsUsed().Select(c => c.GetString()).ToList();
        var row = HoSoSucKhoe.Tests.Reports.SeedAppendixTests.FindRow(ws, own.Name, 2);
        Assert.Equal(own.Managed, (long)ws.Cell(row, 6).GetDouble());
        Assert.Equal(own.RecordsLinked, (long)ws.Cell(row, 4).GetDouble());
        Assert.DoesNotContain(province.Rows.First(r => r.Code != commune).Name, names);
        Assert.Contains($"https://hssk.example.vn/xa/{commune}", m.HtmlBody);
    }

    [Fact]
    public async Task NcdSummaryForAnEpidemiologistGivesTheCascadesWithDenominators()
    {
        var m = await SendOne("dichte@soyte.example.vn", bed.Province, ReportKinds.MonthlyNcd, Roles.Epidemiologist);
        Assert.Contains("Tăng huyết áp và đái tháo đường tháng 11/2026", m.Subject);
        foreach (var body in new[] { m.TextBody, m.HtmlBody })
        {
            Assert.Contains("Tăng huyết áp", body);
            Assert.Contains("Đái tháo đường", body);
            Assert.Contains("được đo huyết áp trong 12 tháng", body);
            Assert.Contains("người ≥ 18 tuổi", body);
        }
    }

    [Fact]
    public async Task ReportIsBuiltOncePerUnitAndPeriodNotOncePerRecipient()
    {
        for (var i = 0; i < 5; i++) bed.Add($"nguoi{i}@soyte.example.vn", bed.Province);
        bed.Add("khac@soyte.example.vn", bed.Communes[1]);
        bed.Time.SetUtcNow(MailBed.Start.AddHours(1).AddSeconds(30));
        var rows = await bed.Dispatcher.RunDueAsync();
        Assert.Equal(6, rows.Count(r => r.Status == SendStatus.Sent));
        Assert.Equal(2, bed.Reports.Builds);
        Assert.Equal(6, smtp.Messages.Select(m => m.MessageId).Distinct().Count());
    }
}
