using Dapper;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Tests.Mail;

/// <summary>At most once per (subscription, period), across restarts, crashes and SMTP outages (docs/mail.md).</summary>
[Collection("warehouse")]
public sealed class MailDeliveryTests(WarehouseFixture fixture) : IAsyncLifetime
{
    readonly SmtpSink smtp = new();
    MailBed bed = null!;

    public Task InitializeAsync()
    {
        bed = new MailBed(fixture, smtp.Port);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        bed.Dispose();
        await smtp.DisposeAsync();
    }

    /// <summary>Monday 23/11/2026 07:00:30 local: the weekly period of week 48 is open.</summary>
    void AtSevenMonday() => bed.Time.SetUtcNow(MailBed.Start.AddHours(1).AddSeconds(30));

    [Fact]
    public async Task RestartAndCrashMidBatchSendEachPeriodAtMostOnce()
    {
        smtp.Start();
        // Groups of two: claimed in one transaction before the first of them goes to SMTP, recorded in one after the second.
        bed.Options.ClaimGroup = 2;
        var subs = Enumerable.Range(0, 5).Select(i => bed.Add($"nguoi{i}@soyte.example.vn", bed.Province)).ToList();
        AtSevenMonday();
        // The process dies after the SMTP server accepted the third message (the first of the second group) and before
        // the group's outcomes were recorded.
        var accepted = 0;
        bed.Dispatcher.AfterAccept = _ => { if (++accepted == 3) throw new InvalidOperationException("crash"); };
        await Assert.ThrowsAsync<InvalidOperationException>(() => bed.Dispatcher.RunDueAsync());
        Assert.Equal(3, smtp.Messages.Count);

        bed.Restart();
        var rows = await bed.Dispatcher.RunDueAsync();
        Assert.Equal(subs[4].SubscriptionId, Assert.Single(rows).SubscriptionId);
        bed.Restart();
        Assert.Empty(await bed.Dispatcher.RunDueAsync());

        // Never twice. The first group was recorded; the crashed group stays 'sending' and is not resent: its accepted
        // message arrived once, the one not yet handed to SMTP never (at most once wins; the log shows both as 'sending').
        Assert.Equal(4, smtp.Messages.Count);
        var log = bed.Store.Log().ToDictionary(r => r.SubscriptionId);
        foreach (var i in new[] { 0, 1, 4 })
        {
            Assert.Equal(SendStatus.Sent, log[subs[i].SubscriptionId].Status);
            Assert.Single(smtp.To(subs[i].Address));
        }
        Assert.Equal(SendStatus.Sending, log[subs[2].SubscriptionId].Status);
        Assert.Single(smtp.To(subs[2].Address));
        Assert.Equal(SendStatus.Sending, log[subs[3].SubscriptionId].Status);
        Assert.Empty(smtp.To(subs[3].Address));
        // The stranded message carries the Message-Id a resend of that period would carry: recognisable.
        Assert.Equal(log[subs[2].SubscriptionId].MessageId, smtp.To(subs[2].Address)[0].MessageId);
        Assert.Equal(MailPeriod.MessageId(subs[2].SubscriptionId, "2026-11-23T00:00Z", bed.Options.MessageIdDomain), log[subs[2].SubscriptionId].MessageId);
    }

    [Fact]
    public async Task ABatchClaimsAndRecordsAGroupInOneTransactionEach()
    {
        smtp.Start();
        bed.Options.ClaimGroup = 4;
        var subs = Enumerable.Range(0, 6).Select(i => bed.Add($"nhom{i}@soyte.example.vn", bed.Province)).ToList();
        AtSevenMonday();
        // While the first message of the batch is accepted, the whole first group is claimed ('sending') and nothing of the
        // second group is: each group is claimed before its first message goes out, not the whole batch at once.
        var seen = new List<(int Sending, int Claimed)>();
        bed.Dispatcher.AfterAccept = _ =>
        {
            using var c = bed.Db.Open();
            seen.Add((c.ExecuteScalar<int>("SELECT count(*) FROM mail_send WHERE status = 'sending'"), c.ExecuteScalar<int>("SELECT count(*) FROM mail_send")));
        };
        var rows = await bed.Dispatcher.RunDueAsync();
        Assert.Equal(6, rows.Count(r => r.Status == SendStatus.Sent));
        Assert.Equal([(4, 4), (4, 4), (4, 4), (4, 4), (2, 6), (2, 6)], seen);
        Assert.Equal(subs.Select(s => s.SubscriptionId).Order(), rows.Select(r => r.SubscriptionId).Order());
    }

    [Fact]
    public async Task MissedSchedulesAreCaughtUpOnceNotOncePerMissedPeriod()
    {
        smtp.Start();
        var s = bed.Add("lanhdao@soyte.example.vn", bed.Province);
        // Down for three weeks: Mondays 23/11, 30/11 and 07/12 missed.
        bed.Time.SetUtcNow(MailBed.Start.AddDays(15));
        var rows = await bed.Dispatcher.RunDueAsync();
        var row = Assert.Single(rows);
        Assert.Equal("2026-12-07T00:00Z", row.PeriodKey);
        Assert.Equal("tuần 50/2026", row.PeriodLabel);
        Assert.Empty(await bed.Dispatcher.RunDueAsync());
        Assert.Single(smtp.To(s.Address));
    }

    [Fact]
    public async Task SmtpDownThenUpIsRetriedWithBackoffAndDeliveredOnce()
    {
        var s = bed.Add("lanhdao@soyte.example.vn", bed.Province);
        AtSevenMonday();
        var first = Assert.Single(await bed.Dispatcher.RunDueAsync());
        Assert.Equal(SendStatus.Retry, first.Status);
        Assert.Contains("Không gửi được tới máy chủ SMTP", first.Error);
        Assert.Equal(bed.Time.GetUtcNow().UtcDateTime.AddMinutes(1), first.NextAttemptAt!.Value, TimeSpan.FromSeconds(1));

        bed.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await bed.Dispatcher.RunDueAsync());       // not before the backoff
        bed.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(SendStatus.Retry, Assert.Single(await bed.Dispatcher.RunDueAsync()).Status);   // still down: 2 minutes now
        Assert.Equal(2, bed.Store.Log().Single().Attempts);

        smtp.Start();
        bed.Time.Advance(TimeSpan.FromMinutes(2).Add(TimeSpan.FromSeconds(1)));
        var sent = Assert.Single(await bed.Dispatcher.RunDueAsync());
        Assert.Equal(SendStatus.Sent, sent.Status);
        Assert.Equal(3, sent.Attempts);
        bed.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await bed.Dispatcher.RunDueAsync());
        Assert.Single(smtp.To(s.Address));
    }

    [Fact]
    public async Task RejectedRecipientIsRecordedFailedNotRetriedAndDoesNotHoldUpOthers()
    {
        smtp.Reject.Add("khongton@soyte.example.vn");
        smtp.Start();
        var bad = bed.Add("khongton@soyte.example.vn", bed.Province);
        var good = bed.Add("lanhdao@soyte.example.vn", bed.Province);
        AtSevenMonday();
        var rows = (await bed.Dispatcher.RunDueAsync()).ToDictionary(r => r.SubscriptionId);
        Assert.Equal(SendStatus.Failed, rows[bad.SubscriptionId].Status);
        Assert.Contains("550", rows[bad.SubscriptionId].Error);
        Assert.Null(rows[bad.SubscriptionId].NextAttemptAt);
        Assert.Equal(SendStatus.Sent, rows[good.SubscriptionId].Status);
        bed.Time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await bed.Dispatcher.RunDueAsync());
        Assert.Empty(smtp.To(bad.Address));
        Assert.Single(smtp.To(good.Address));
        Assert.Equal(1, bed.Store.Log(bad.SubscriptionId).Single().Attempts);
    }

    [Fact]
    public async Task UnchangedDataIsSkippedOrSentWithALineSayingSo()
    {
        smtp.Start();
        var skip = bed.Add("boqua@soyte.example.vn", bed.Province, skipUnchanged: true);
        var say = bed.Add("vanguithu@soyte.example.vn", bed.Province);
        AtSevenMonday();
        await bed.Dispatcher.RunDueAsync();
        bed.Time.Advance(TimeSpan.FromDays(7));                 // week 49, no new snapshot
        var rows = (await bed.Dispatcher.RunDueAsync()).ToDictionary(r => r.SubscriptionId);
        Assert.Equal(SendStatus.Skipped, rows[skip.SubscriptionId].Status);
        Assert.Equal(SendStatus.Sent, rows[say.SubscriptionId].Status);
        Assert.Single(smtp.To(skip.Address));
        var second = smtp.To(say.Address).Single(m => m.Subject!.Contains("tuần 49/2026"));
        Assert.Contains("Số liệu không thay đổi", second.TextBody);
        Assert.DoesNotContain("Số liệu không thay đổi", smtp.To(say.Address).Single(m => m.Subject!.Contains("tuần 48/2026")).TextBody);
    }

    [Fact]
    public async Task ScheduleFiresAtSevenOclockHanoiTimeOnMonday()
    {
        smtp.Start();
        var s = bed.Add("lanhdao@soyte.example.vn", bed.Province);
        bed.Time.SetUtcNow(MailBed.Start.AddMinutes(55));      // 06:55 local, 23:55 UTC the day before
        var options = Options.Create(new MailOptions { Enabled = true, Host = "127.0.0.1", Port = smtp.Port, Security = "none" });
        using var scheduler = new MailScheduler(bed.Dispatcher, bed.Time, options, NullLogger<MailScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        var seven = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.FromHours(7));
        for (var i = 0; i < 300 && smtp.To(s.Address).Count == 0; i++)
        {
            await Task.Delay(30);
            Assert.True(bed.Store.Log().Count == 0 || bed.Time.GetUtcNow() >= seven, $"claimed before 07:00 local ({bed.Time.GetUtcNow():O})");
            if (bed.Store.Log().Count == 0) bed.Time.Advance(TimeSpan.FromSeconds(15));
        }
        await scheduler.StopAsync(CancellationToken.None);
        Assert.Single(smtp.To(s.Address));
        var row = bed.Store.Log().Single();
        Assert.Equal("2026-11-23T00:00Z", row.PeriodKey);
        // Claimed on the clock's first step at or after 07:00 local (steps of 15 s).
        Assert.Equal(seven.UtcDateTime, row.ClaimedAt, TimeSpan.FromSeconds(15));
        Assert.True(row.ClaimedAt >= seven.UtcDateTime, $"claimed at {row.ClaimedAt:O}, before 07:00 local");
    }

    [Fact]
    public async Task RecipientOutsideItsScopeAtSendTimeGetsNothing()
    {
        smtp.Start();
        // Tied to the commune officer of commune A; then the officer's subscription is pointed at commune B in the warehouse.
        var s = bed.Add("canbo@xa.example.vn", bed.Communes[0], user: MailBed.OfficerA);
        using (var c = bed.Db.Open())
            c.Execute("UPDATE mail_subscription SET unit_code = $u WHERE subscription_id = $id", new { u = bed.Communes[1], id = s.SubscriptionId });
        AtSevenMonday();
        var row = Assert.Single(await bed.Dispatcher.RunDueAsync());
        Assert.Equal(SendStatus.Failed, row.Status);
        Assert.Contains("ngoài phạm vi", row.Error);
        Assert.Empty(smtp.Messages);

        var (refused, errors) = bed.Rules.Validate(new("canbo@xa.example.vn", "Cán bộ", null, Roles.CommuneOfficer, bed.Communes[0],
            bed.Communes[1], ReportKinds.WeeklyCoverage), "test", DateTime.UtcNow);
        Assert.Null(refused);
        Assert.Contains("ngoài phạm vi", errors["unit"][0]);
    }

    [Fact]
    public async Task DisabledUserIsRefusedAtAddAndSkippedAndLoggedAtSendTime()
    {
        smtp.Start();
        var s = bed.Add("lanhdao@soyte.example.vn", bed.Province, user: MailBed.Leader);
        // Role and scope are the user's, from web_user.
        Assert.Equal((Roles.Leadership, bed.Province, MailBed.Leader), (s.Role, s.Scope, s.UserName));
        bed.Users.SetDisabled(MailBed.Leader, true);

        var (refused, errors) = bed.Rules.Validate(new("lanhdao@soyte.example.vn", "Lãnh đạo Sở", MailBed.Leader, null, null, bed.Province,
            ReportKinds.WeeklyCoverage), "test", DateTime.UtcNow);
        Assert.Null(refused);
        Assert.Equal("Trường 'user': người dùng 'lanhdao' đã bị vô hiệu hoá: không đăng ký nhận báo cáo được.", Assert.Single(errors["user"]));
        var (unknown, unknownErrors) = bed.Rules.Validate(new("x@soyte.example.vn", "X", "khong-co-ai", null, null, bed.Province,
            ReportKinds.WeeklyCoverage), "test", DateTime.UtcNow);
        Assert.Null(unknown);
        Assert.Contains("không có người dùng 'khong-co-ai'", unknownErrors["user"][0]);

        AtSevenMonday();
        var row = Assert.Single(await bed.Dispatcher.RunDueAsync());
        Assert.Equal(SendStatus.Skipped, row.Status);
        Assert.Contains("đã bị vô hiệu hoá", row.Error);
        Assert.Empty(smtp.Messages);

        // Enabled again: the next period is sent (the skipped one is not made up for).
        bed.Users.SetDisabled(MailBed.Leader, false);
        bed.Time.Advance(TimeSpan.FromDays(7));
        var next = Assert.Single(await bed.Dispatcher.RunDueAsync());
        Assert.Equal(SendStatus.Sent, next.Status);
        Assert.Contains("tuần 49/2026", Assert.Single(smtp.To(s.Address)).Subject);
    }

    [Fact]
    public async Task UserTiedSubscriptionFollowsTheUsersScopeInTheWarehouse()
    {
        smtp.Start();
        var s = bed.Add("canbo@xa.example.vn", bed.Communes[0], user: MailBed.OfficerA);
        // The officer moves to commune B (web_user, as an admin would change it): commune A's report is no longer theirs.
        using (var c = bed.Db.Open())
            c.Execute("UPDATE web_user SET scope = $scope WHERE user_name = $name", new { scope = bed.Communes[1], name = MailBed.OfficerA });
        AtSevenMonday();
        var row = Assert.Single(await bed.Dispatcher.RunDueAsync());
        Assert.Equal(SendStatus.Failed, row.Status);
        Assert.Contains("ngoài phạm vi", row.Error);
        Assert.Empty(smtp.To(s.Address));
    }
}
