using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Features.Mail;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Tests.Mail;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Security;

/// <summary>Header injection in report e-mails: a recipient name with a line break is refused (API and CLI share
/// <see cref="SubscriptionRules"/>), and a name that reached the warehouse anyway cannot add a header to the message.</summary>
[Collection("warehouse")]
public sealed class SubscriptionHeaderTests(WarehouseFixture fixture) : IAsyncLifetime
{
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

    [Theory]
    [InlineData("Cán bộ\r\nBcc: ke-gian@evil.invalid")]
    [InlineData("Cán bộ\nSubject: giả")]
    [InlineData("Cán bộ\u0000xã")]
    [InlineData("Cán bộ\txã")]
    public void ANameWithALineBreakOrControlCharacterIsRefusedNamingTheField(string name)
    {
        var (subscription, errors) = bed.Rules.Validate(new SubscriptionRequest("canbo@soyte.gov.vn", name, null, Roles.Leadership, bed.Province,
            bed.Province, ReportKinds.WeeklyCoverage, null), "test", DateTime.UtcNow);
        Assert.Null(subscription);
        var message = Assert.Single(Assert.Single(errors, e => e.Key == "name").Value);
        Assert.Contains("Trường 'name'", message);
        Assert.Contains("xuống dòng", message);
    }

    [Theory]
    [InlineData("canbo@soyte.gov.vn\r\nBcc: ke-gian@evil.invalid", "address")]
    [InlineData("canbo@soyte.gov.vn", "unit")]
    public void AnAddressOrUnitWithALineBreakIsRefused(string address, string field)
    {
        var unit = field == "unit" ? bed.Province + "\r\nBcc: ke-gian@evil.invalid" : bed.Province;
        var (subscription, errors) = bed.Rules.Validate(new SubscriptionRequest(address, "Cán bộ", null, Roles.Leadership, bed.Province,
            unit, ReportKinds.WeeklyCoverage, null), "test", DateTime.UtcNow);
        Assert.Null(subscription);
        Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public async Task ANameWithCrLfAlreadyStoredCannotAddAHeader()
    {
        // As a row written before the rule: straight into the store.
        var s = bed.Add("canbo@soyte.example.vn", bed.Province);
        var stored = bed.Store.Active().Single(x => x.SubscriptionId == s.SubscriptionId);
        using (var c = bed.Db.Open())
            Dapper.SqlMapper.Execute(c, "UPDATE mail_subscription SET recipient_name = $n WHERE subscription_id = $id",
                new { n = "Cán bộ\r\nBcc: ke-gian@evil.invalid\r\nSubject: giả", id = stored.SubscriptionId });
        bed.Time.SetUtcNow(MailBed.Start.AddHours(1).AddSeconds(30));
        var rows = await bed.Dispatcher.RunDueAsync();
        Assert.Equal(SendStatus.Sent, Assert.Single(rows).Status);
        var m = Assert.Single(smtp.To("canbo@soyte.example.vn"));
        Assert.Empty(m.Bcc);
        Assert.Single(m.To.Mailboxes);
        Assert.StartsWith("[HSSK]", m.Subject);
        Assert.DoesNotContain(m.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1, m.Headers.Count(h => h.Field.Equals("Subject", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(smtp.Messages, x => x.To.Mailboxes.Any(a => a.Address.Contains("evil", StringComparison.Ordinal)));
    }
}
