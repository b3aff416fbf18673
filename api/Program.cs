using System.Text.Json.Serialization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.ApiDocument;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Admin;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Api.Features.Home;
using HoSoSucKhoe.Api.Features.Mail;
using HoSoSucKhoe.Api.Features.Ncd;
using HoSoSucKhoe.Api.Features.Reports;
using HoSoSucKhoe.Api.Features.Snapshots;
using HoSoSucKhoe.Api.Features.Units;
using HoSoSucKhoe.Api.Features.Web;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

// Verbs (generate, load, population, snapshots, coverage) run and exit; "serve" or nothing starts the server.
// Relative paths mean paths in the caller's folder, not api/ where dotnet run starts us (Cli/CallerDirectory.cs).
var (callerDirectory, arguments) = CallerDirectory.Take(args);
if (arguments.Length > 0 && !arguments[0].StartsWith('-') && arguments[0] != "serve")
    return Commands.Run(arguments, Console.Out, Console.Error, callerDirectory);

string[] serve;
try { serve = ServeArguments.Translate(arguments, callerDirectory); }
catch (CliUsageException e) { Console.Error.WriteLine(e.Message); return 2; }
WebApplication app;
try
{
    app = Program.Create(serve, Console.Out);
    // Open the warehouse now, not at the first request: a locked or unreadable file is reported before serving,
    // and the server holds the lock while it runs.
    app.Services.GetRequiredService<WarehouseDb>();
}
catch (WarehouseBusyException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (MemoryBudgetException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
app.Run();
return 0;

/// <summary>The server. Public for WebApplicationFactory in the tests and for the benchmark (api/Bench).</summary>
public partial class Program
{
    /// <summary>Builds the app; with no Warehouse:Path it serves the demo (api/demo/, created at the first start).</summary>
    public static WebApplication Create(string[] args, TextWriter console) =>
        Create(args, console, new DemoWarehouse(DemoWarehouse.DefaultFolder));

    /// <summary>As <see cref="Create(string[], TextWriter)"/> with the demo in another folder (tests).</summary>
    internal static WebApplication Create(string[] args, TextWriter console, DemoWarehouse demoWarehouse)
    {
        var builder = WebApplication.CreateBuilder(args);
        IReadOnlyList<Credential> demoKeys = [];
        var demo = string.IsNullOrEmpty(builder.Configuration["Warehouse:Path"]) ? demoWarehouse : null;
        if (demo is not null)
        {
            demo.EnsureCreated(console);
            builder.Configuration["Warehouse:Path"] = demo.DatabasePath;
            builder.Configuration["Warehouse:PseudonymKey"] ??= demo.Key();
            builder.Configuration["Warehouse:ImportRoot"] ??= demo.Folder;
            demoKeys = DemoCredentials.AddTo(builder.Configuration, demo);
        }

        builder.Services.AddModels();          // the warehouse, caught up at open; snapshot catalog; risk model (models/Pipeline)
        builder.Services.AddSingleton<RiskModelWarmUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RiskModelWarmUp>()); // trains/scores in the background at start (Features/Ncd)
        builder.Services.AddCoverage();        // KPI mart queries and coverage targets (warehouse/Marts)
        builder.Services.AddAccess();          // API key (machines) or sign-in cookie (people) → role + scope (Access/)
        builder.Services.AddApiProblems();     // errors as Vietnamese ProblemDetails (Errors/)
        builder.Services.AddWarehouseCache();  // output cache + ETag, evicted when a load commits (Caching/)
        builder.Services.AddCoverageApi();
        builder.Services.AddProgrammeApi();    // the programme figures as a caller may see them (Features/Ncd)
        builder.Services.AddAdmin();
        builder.Services.AddReports();         // the Excel appendix workbook (reports/Excel)
        builder.Services.AddReportsApi();
        builder.Services.AddWebPages();        // the dashboards in Vietnamese, Razor Pages (Features/Web)
        builder.Services.AddSingleton<HoSoSucKhoe.Api.Features.Web.PageCharts>(); // reports/ charts inline in the pages
        builder.Services.AddMailReports();     // subscriptions, report e-mails and their scheduler, Mail:Enabled (Features/Mail, reports/Mail)
        builder.Services.AddApiDocument();     // OpenAPI with the key schemes and ProblemDetails answers
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();
        app.MapOpenApi().AllowAnonymous();

        app.MapHome(demo?.Options.ProvinceCode);   // what this is, how to send a key (Features/Home)
        app.MapAccess();
        app.MapUnits();
        app.MapSnapshots();
        app.MapCoverage();
        app.MapNational();
        app.MapReports();
        app.MapCharts();
        app.MapUnrecordedVisitors();
        app.MapNcd();
        app.MapNationalNcd();
        app.MapProgramme();   // programme indicators over time (Features/Ncd/ProgrammeEndpoints.cs)
        app.MapAdmin();
        app.MapWebPages();
        app.MapMail();

        if (demo is not null) app.Lifetime.ApplicationStarted.Register(() =>
        {
            var origin = app.Urls.FirstOrDefault() ?? "http://localhost:5000";
            DemoCredentials.Print(console, demoKeys, origin, $"/api/coverage/communes?parent={demo.Options.ProvinceCode}&sort=coverage_pct",
                demo.CredentialsPath);
            if (demoKeys.Count > 0)
                DemoUsers.Print(console, DemoUsers.Ensure(demo, demoKeys, app.Services.GetRequiredService<UserStore>()), origin, demo.UsersPath);
        });
        return app;
    }
}
