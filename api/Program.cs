using System.Text.Json.Serialization;
using HoSoSucKhoe.Api.Access;
using HoSoSucKhoe.Api.ApiDocument;
using HoSoSucKhoe.Api.Caching;
using HoSoSucKhoe.Api.Cli;
using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Api.Errors;
using HoSoSucKhoe.Api.Features.Admin;
using HoSoSucKhoe.Api.Features.Coverage;
using HoSoSucKhoe.Api.Features.Ncd;
using HoSoSucKhoe.Api.Features.Snapshots;
using HoSoSucKhoe.Api.Features.Units;
using HoSoSucKhoe.Models.Pipeline;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Marts;

// Verbs (generate, load, population, snapshots, coverage) run and exit; "serve" or nothing starts the server.
if (args.Length > 0 && !args[0].StartsWith('-') && args[0] != "serve")
    return Commands.Run(args, Console.Out, Console.Error);

var app = Program.Create(ServeArguments.Translate(args), Console.Out);
try
{
    // Open the warehouse now, not at the first request: a locked or unreadable file is reported before serving,
    // and the server holds the lock while it runs.
    app.Services.GetRequiredService<WarehouseDb>();
}
catch (WarehouseBusyException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
app.Run();
return 0;

/// <summary>The server. Public for WebApplicationFactory in the tests and for the benchmark (api/Bench).</summary>
public partial class Program
{
    /// <summary>Builds the app; with no Warehouse:Path it creates the demo warehouse and demo keys.</summary>
    public static WebApplication Create(string[] args, TextWriter console)
    {
        var builder = WebApplication.CreateBuilder(args);
        IReadOnlyList<Credential> demoKeys = [];
        if (string.IsNullOrEmpty(builder.Configuration["Warehouse:Path"]))
        {
            DemoWarehouse.EnsureCreated(console);
            builder.Configuration["Warehouse:Path"] = DemoWarehouse.DatabasePath;
            builder.Configuration["Warehouse:PseudonymKey"] ??= DemoWarehouse.Key();
            builder.Configuration["Warehouse:ImportRoot"] ??= DemoWarehouse.Folder;
            demoKeys = DemoCredentials.AddTo(builder.Configuration, DemoWarehouse.Options.ProvinceCode);
        }

        builder.Services.AddModels();          // the warehouse, caught up at open; snapshot catalog; risk model (models/Pipeline)
        builder.Services.AddHostedService<RiskModelWarmUp>(); // trains/scores in the background at start (Features/Ncd)
        builder.Services.AddCoverage();        // KPI mart queries and coverage targets (warehouse/Marts)
        builder.Services.AddAccess();          // API key → role + scope; every endpoint needs one (Access/)
        builder.Services.AddApiProblems();     // errors as Vietnamese ProblemDetails (Errors/)
        builder.Services.AddWarehouseCache();  // output cache + ETag, evicted when a load commits (Caching/)
        builder.Services.AddCoverageApi();
        builder.Services.AddAdmin();
        builder.Services.AddApiDocument();     // OpenAPI with the key schemes and ProblemDetails answers
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();
        app.MapOpenApi().AllowAnonymous();

        app.MapAccess();
        app.MapUnits();
        app.MapSnapshots();
        app.MapCoverage();
        app.MapNcd();
        app.MapAdmin();

        app.Lifetime.ApplicationStarted.Register(() => DemoCredentials.Print(console, demoKeys,
            app.Urls.FirstOrDefault() ?? "http://localhost:5000", $"/api/coverage/communes?parent={DemoWarehouse.Options.ProvinceCode}&sort=coverage_pct"));
        return app;
    }
}
