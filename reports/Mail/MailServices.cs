using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HoSoSucKhoe.Reports.Mail;

public static class MailServices
{
    /// <summary>Binds <see cref="MailOptions"/> from "Mail" and registers the report builder, the dispatcher and the
    /// scheduler (which sends only with <c>Mail:Enabled</c>). Needs the warehouse, <c>AddCoverage</c>, <c>AddModels</c> and a
    /// <see cref="MailAccessCheck"/> from the caller. <see cref="IReportArtifacts"/> is
    /// <see cref="ReportArtifacts"/> (needs <c>AddReports</c>: the appendix workbook).</summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IReportArtifacts, ReportArtifacts>();
        services.AddSingleton<MailStore>();
        services.AddSingleton<MailReports>();
        services.AddSingleton<MailMessageBuilder>();
        services.AddSingleton<MailDispatcher>();
        services.AddHostedService<MailScheduler>();
        return services;
    }
}
