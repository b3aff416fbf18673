using System.Buffers;
using System.Diagnostics;
using System.Net;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.Features.Mail;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Mail;
using HoSoSucKhoe.Synthetic;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Loading;
using HoSoSucKhoe.Warehouse.Marts;
using HoSoSucKhoe.Warehouse.Reference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerHost = SmtpServer.SmtpServer;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// <c>mail [--province 20] [--scale 0.01]</c>: one monthly appendix per commune of a generated province (one month,
/// loaded once into its own warehouse), then 1,000 recipients spread over those communes, sent through the real
/// dispatcher (claim, build once per unit, MailKit, record) to an in-process SMTP server on 127.0.0.1.
/// </summary>
static class MailBench
{
    public static async Task RunAsync(string province, double scale, string dir)
    {
        var folder = Path.Combine(dir, $"mail-{province}-{scale}");
        var dbPath = Path.Combine(folder, "warehouse.duckdb");
        if (!File.Exists(dbPath))
        {
            var snapshots = SyntheticProvince.Generate(new GeneratorOptions(province, scale, new DateOnly(2025, 8, 1), new DateOnly(2025, 9, 1),
                Path.Combine(folder, "snapshots"), 20250701));
            using var db = new WarehouseDb(dbPath);
            PopulationLoader.Load(db, Path.Combine(folder, "snapshots", "population.csv"));
            Pipeline.Loader(db, new Pseudonymiser("bench-key-0123456789")).LoadAll(snapshots, replace: false);
        }
        var communes = ReferenceData.Load().InForce(ReferenceData.System2025, new DateOnly(2025, 9, 30))
            .Where(u => u.Level == Levels.Commune && u.ProvinceCode == province).Select(u => u.Code).Order(StringComparer.Ordinal).ToList();

        using (var probe = Pipeline.Open(dbPath))
        {
            var q = new CoverageQueries(probe);
            foreach (var (name, work) in new (string, Action<string>)[]
                     {
                         ("Targets", c => q.Targets(c)), ("Series", c => q.Series(c)),
                         ("Children(province)", _ => q.Children(new CoverageRequest(province))),
                         ("DataQuality", c => q.DataQuality(c)), ("PermanentResidents", c => q.PermanentResidents(c)),
                         ("VisitorsCompleteness", c => q.VisitorsCompleteness(c)), ("PriorityGroups", c => q.PriorityGroups(c)),
                         ("Completeness", c => q.Completeness(c)), ("DenominatorYears", c => q.DenominatorYears(c, q.Targets(c).Unit.Snapshot.SnapshotId)),
                     })
            {
                var w = Stopwatch.StartNew();
                foreach (var c in communes.Take(5)) work(c);
                Console.WriteLine($"  {name}: {w.Elapsed.TotalMilliseconds / 5:0} ms per commune");
            }
            var artifacts = new ReportArtifacts(new HoSoSucKhoe.Reports.Excel.AppendixWorkbook(q, new NcdDataStore(probe)));
            var table = q.Children(new CoverageRequest(province));
            foreach (var (name, work) in new (string, Action<string>)[]
                     {
                         ("chart PNG", c => artifacts.CoverageChartPng(q.Series(c))),
                         ("appendix workbook (commune)", c => artifacts.AppendixWorkbook(table with { Parent = c, Rows = [], Total = table.Rows.Single(r => r.Code == c) })),
                         ("whole report (MailReports.For)", c => new MailReports(q, new NcdDataStore(probe), artifacts).For(c, ReportKinds.MonthlyAppendix, "p")),
                     })
            {
                var w = Stopwatch.StartNew();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                foreach (var c in communes.Skip(5).Take(5)) work(c);
                Console.WriteLine($"  {name}: {w.Elapsed.TotalMilliseconds / 5:0} ms per commune (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 5:0} ms)");
            }
            var rules = new SubscriptionRules(new UnitScope(new UnitMap(probe)), new UserStore(probe, TimeProvider.System, Options.Create(new SignInOptions())));
            // Read-only probe: nothing is written to the shared warehouse of the runs below.
            var sub = new MailSubscription { Address = "a@b.vn", RecipientName = "x", Role = Roles.CommuneOfficer, Scope = communes[0],
                UnitCode = communes[0], Kind = ReportKinds.MonthlyAppendix, Cron = "0 7 1 * *" };
            var t = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++) rules.Check(sub);
            Console.WriteLine($"  access check: {t.Elapsed.TotalMilliseconds / 20:0.0} ms");
        }
        {
            // Warehouse writes per message as the dispatcher does them (claim, last sent, record, log row), on a copy.
            var copy = Path.Combine(folder, $"probe-{Guid.NewGuid():N}.duckdb");
            File.Copy(dbPath, copy);
            using (var db = Pipeline.Open(copy))
            {
                var store = new MailStore(db);
                var subs = Enumerable.Range(0, 120).Select(i => store.Add(new MailSubscription { Address = $"p{i}@b.vn", RecipientName = "x",
                    Role = Roles.Admin, UnitCode = communes[0], Kind = ReportKinds.MonthlyAppendix, Cron = "0 7 1 * *", CreatedBy = "bench" })).ToList();
                var period = new MailPeriod("2025-09-01T00:00Z", "tháng 9/2025", DateTimeOffset.UtcNow);
                // Claim and record as the dispatcher does, one message per group (the first version) and 20 per group.
                foreach (var (size, from) in new[] { (1, 0), (20, 60) })
                {
                    var w = Stopwatch.StartNew();
                    var group = subs.Skip(from).Take(60).Select(s => new MailClaim(s, period, "m", 1)).ToList();
                    for (var g = 0; g < group.Count; g += size)
                    {
                        var taken = store.Claim(group.GetRange(g, size), DateTime.UtcNow);
                        store.Record([.. taken.Select(t => new MailOutcome(t.Subscription.SubscriptionId, period.Key, SendStatus.Sent, DateTime.UtcNow, "x", 1m, null))]);
                    }
                    Console.WriteLine($"  warehouse claim + record, groups of {size}: {w.Elapsed.TotalMilliseconds / group.Count:0.0} ms per message");
                }
            }
            File.Delete(copy);
        }
        var port = FreePort();
        var received = 0L;
        var bytes = 0L;
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CountingStore(n => { Interlocked.Increment(ref received); Interlocked.Add(ref bytes, n); }));
        using var cts = new CancellationTokenSource();
        // The package answers each pipelined SMTP command with its own small write, Nagle on: with MailKit's pipelining
        // every message then waits ~40 ms for a delayed ACK. A real MTA flushes its replies at once; NoDelay on the
        // server's sockets stands in for that. HSSK_MAIL_SMTP_NAGLE=1 keeps the package's default (the first figures).
        var nagle = Environment.GetEnvironmentVariable("HSSK_MAIL_SMTP_NAGLE") == "1";
        if (!nagle) services.Add((SmtpServer.Net.IEndpointListenerFactory)new NoDelayListeners());
        Console.WriteLine($"  SMTP server: SmtpServer 11.1.0 in process, {(nagle ? "package default sockets (Nagle on)" : "NoDelay sockets")}");
        var server = new SmtpServerHost(new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build(), services);
        var listening = server.StartAsync(cts.Token);
        await Task.Delay(200);

        using (var probe = Pipeline.Open(dbPath))
        {
            // SMTP alone: one report's message, sent again and again over one connection; and its MIME serialisation.
            var options = Options.Create(new MailOptions { Host = "127.0.0.1", Port = port, Security = "none" });
            var q = new CoverageQueries(probe);
            var report = new MailReports(q, new NcdDataStore(probe), new ReportArtifacts(new HoSoSucKhoe.Reports.Excel.AppendixWorkbook(q, new NcdDataStore(probe))))
                .For(communes[0], ReportKinds.MonthlyAppendix, "p");
            var sub = new MailSubscription { Address = "a@b.vn", RecipientName = "x", Role = Roles.Admin, UnitCode = communes[0],
                Kind = ReportKinds.MonthlyAppendix, Cron = "0 7 1 * *" };
            var builder = new MailMessageBuilder(options);
            var period = new MailPeriod("2025-09-01T00:00Z", "tháng 9/2025", DateTimeOffset.UtcNow);
            var w = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < 100; i++) builder.Build(sub, period, "m" + i + "@x", report, null);
            Console.WriteLine($"  message build: {w.Elapsed.TotalMilliseconds / 100:0.00} ms (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 100:0.00} ms)");
            var message = builder.Build(sub, period, "m@x", report, null);
            w.Restart(); cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < 100; i++) message.WriteTo(Stream.Null);
            Console.WriteLine($"  MIME serialisation: {w.Elapsed.TotalMilliseconds / 100:0.00} ms (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 100:0.00} ms)");
            await using var session = new SmtpSession(options.Value);
            await session.SendAsync(message, default);
            w.Restart(); cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < 200; i++) await session.SendAsync(message, default);
            Console.WriteLine($"  SMTP send (one connection, server in process): {w.Elapsed.TotalMilliseconds / 200:0.00} ms (CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / 200:0.00} ms)");
        }
        if (Environment.GetEnvironmentVariable("HSSK_MAIL_PROBE_ONLY") is not null) return;
        foreach (var (label, recipients) in new[] { ("one per commune", communes.Count), ("1,000 recipients", 1000) })
        {
            var copy = Path.Combine(folder, $"run-{Guid.NewGuid():N}.duckdb");
            File.Copy(dbPath, copy);
            using (var db = Pipeline.Open(copy))
            {
                var options = Options.Create(new MailOptions { Host = "127.0.0.1", Port = port, Security = "none" });
                var store = new MailStore(db);
                var rules = new SubscriptionRules(new UnitScope(new UnitMap(db)), new UserStore(db, TimeProvider.System, Options.Create(new SignInOptions())));
                var reports = new MailReports(new CoverageQueries(db), new NcdDataStore(db), new ReportArtifacts(new HoSoSucKhoe.Reports.Excel.AppendixWorkbook(new CoverageQueries(db), new NcdDataStore(db))));
                var now = DateTimeOffset.UtcNow;
                var clock = new FixedClock(now.AddDays(-40));
                for (var i = 0; i < recipients; i++)
                {
                    var commune = communes[i % communes.Count];
                    store.Add(new MailSubscription
                    {
                        Address = $"xa{commune}.{i}@bench.example.vn", RecipientName = $"Cán bộ xã {commune}", Role = Roles.CommuneOfficer,
                        Scope = commune, UnitCode = commune, Kind = ReportKinds.MonthlyAppendix, Cron = "0 7 1 * *",
                        CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedBy = "bench",
                    });
                }
                clock.Now = now;
                var dispatcher = new MailDispatcher(store, reports, new MailMessageBuilder(options), rules.Check, clock, options,
                    NullLogger<MailDispatcher>.Instance);
                var before = Interlocked.Read(ref received);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var rows = await dispatcher.RunDueAsync();
                watch.Stop();
                var sent = rows.Count(r => r.Status == SendStatus.Sent);
                var arrived = Interlocked.Read(ref received) - before;
                foreach (var e in rows.Where(r => r.Status != SendStatus.Sent).GroupBy(r => r.Status + ": " + r.Error).Take(5))
                    Console.WriteLine($"    not sent ({e.Count()}): {e.Key}");
                Console.WriteLine($"  {label}: {sent:N0} sent ({arrived:N0} arrived, {rows.Count - sent} not sent) in {watch.Elapsed.TotalSeconds:0.00} s = " +
                    $"{sent / watch.Elapsed.TotalSeconds:0.0} messages/s; {reports.Builds} reports built; waiting for reports {dispatcher.ReportTime.TotalSeconds:0.0} s, " +
                    $"SMTP {dispatcher.SmtpTime.TotalSeconds:0.0} s, warehouse {dispatcher.StoreTime.TotalSeconds:0.0} s; {bytes / Math.Max(1, received) / 1024.0:0.0} KiB per message; " +
                    $"CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s");
            }
            File.Delete(copy);
        }
        cts.Cancel();
        server.Shutdown();
        try { await listening.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
    }

    static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    sealed class NoDelayListeners : SmtpServer.Net.EndpointListenerFactory
    {
        public override SmtpServer.Net.IEndpointListener CreateListener(SmtpServer.IEndpointDefinition endpointDefinition)
        {
            var listener = base.CreateListener(endpointDefinition);
            var tcp = (System.Net.Sockets.TcpListener)listener.GetType().GetField("_tcpListener", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(listener)!;
            tcp.Server.NoDelay = true;
            return listener;
        }
    }

    sealed class FixedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    sealed class CountingStore(Action<long> count) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            count(buffer.Length);
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
