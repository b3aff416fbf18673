using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerHost = SmtpServer.SmtpServer;

namespace HoSoSucKhoe.Tests.Mail;

/// <summary>A real SMTP server on 127.0.0.1 (the SmtpServer package, in process) that parses what arrives with MimeKit.
/// Addresses in <see cref="Reject"/> get 550 at RCPT TO. <see cref="Start"/> and <see cref="StopAsync"/> can be called
/// again on the same port (SMTP down, then up).</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    readonly ConcurrentQueue<MimeMessage> messages = new();
    CancellationTokenSource? cts;
    SmtpServerHost? server;
    Task? running;

    public int Port { get; } = FreePort();
    public HashSet<string> Reject { get; } = new(StringComparer.OrdinalIgnoreCase);
    public IReadOnlyList<MimeMessage> Messages => [.. messages];

    public SmtpSink Start()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(messages));
        services.Add(new DelegatingMailboxFilter((ISessionContext _, IMailbox _) => true,
            (ISessionContext _, IMailbox to, IMailbox _) => !Reject.Contains($"{to.User}@{to.Host}")));
        cts = new CancellationTokenSource();
        server = new SmtpServerHost(options, services);
        running = server.StartAsync(cts.Token);
        // Listening before the first test sends.
        for (var i = 0; i < 100; i++)
        {
            try { using var probe = new TcpClient(); probe.Connect(IPAddress.Loopback, Port); return this; }
            catch (SocketException) { Thread.Sleep(20); }
        }
        throw new InvalidOperationException("SMTP sink did not start");
    }

    public async Task StopAsync()
    {
        if (server is null) return;
        cts!.Cancel();
        server.Shutdown();
        try { await running!.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        server = null;
    }

    /// <summary>A message that arrived for an address (null: none).</summary>
    public IReadOnlyList<MimeMessage> To(string address) =>
        [.. Messages.Where(m => m.To.Mailboxes.Any(x => string.Equals(x.Address, address, StringComparison.OrdinalIgnoreCase)))];

    public async ValueTask DisposeAsync() => await StopAsync();

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
