namespace HoSoSucKhoe.Reports.Mail;

/// <summary>The "Mail" section: SMTP server, sender, dashboard links and the delivery rules (docs/mail.md).</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Runs the scheduler in the server. Off by default: a server without SMTP settings sends nothing.</summary>
    public bool Enabled { get; set; }

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 25;

    /// <summary>none, starttls, ssl (TLS on connect) or auto (MailKit's choice from the port).</summary>
    public string Security { get; set; } = "auto";

    public string? UserName { get; set; }
    public string? Password { get; set; }

    public string FromAddress { get; set; } = "hssk@localhost";
    public string FromName { get; set; } = "Hồ sơ sức khỏe điện tử";

    /// <summary>Right-hand side of every Message-Id (stable per subscription and period).</summary>
    public string MessageIdDomain { get; set; } = "hssk.local";

    /// <summary>Base address of the dashboard the messages link to.</summary>
    public string DashboardUrl { get; set; } = "http://localhost:5000";

    /// <summary>Page of a commune, <c>{code}</c> replaced by its code.</summary>
    public string CommunePagePath { get; set; } = "/xa/{code}";

    /// <summary>Page of a province (the overview), <c>{code}</c> replaced by its code.</summary>
    public string ProvincePagePath { get; set; } = "/";

    /// <summary>Attempts per (subscription, period) before a transient failure becomes a permanent one.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait after the first transient failure; doubled after each further one (1, 2, 4, 8, 16 minutes).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sends claimed (and their outcomes recorded) together, in one warehouse transaction each: a commit to the
    /// file costs more than a message, so one per message halved the rate. A crash strands at most one group as 'sending'
    /// (docs/mail.md, "At most once").</summary>
    public int ClaimGroup { get; set; } = 20;

    /// <summary>Timeout of one SMTP connection or command.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The dashboard page of a unit.</summary>
    public string PageOf(string unitCode)
    {
        var path = (unitCode.Length == 5 ? CommunePagePath : ProvincePagePath).Replace("{code}", Uri.EscapeDataString(unitCode));
        return DashboardUrl.TrimEnd('/') + (path.StartsWith('/') ? path : "/" + path);
    }
}
