namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// The folder the user typed the command in. <c>dotnet run</c> starts a web project in its project folder (Sdk.Web sets
/// RunWorkingDirectory to api/, where appsettings.json and the demo folder live), so a relative path on the command line
/// would mean a path under api/. Api.csproj therefore passes the caller's folder as the first argument, and the verbs and
/// <c>serve</c> resolve their paths against it; started any other way, it is the working directory.
/// </summary>
static class CallerDirectory
{
    public const string Option = "--caller-directory=";

    public static (string Directory, string[] Arguments) Take(string[] args) =>
        args.Length > 0 && args[0].StartsWith(Option, StringComparison.Ordinal)
            ? (Path.GetFullPath(args[0][Option.Length..]), args[1..])
            : (Environment.CurrentDirectory, args);
}
