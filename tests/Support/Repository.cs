namespace HoSoSucKhoe.Tests.Support;

/// <summary>Files of the repository the tests were built from (found upwards from the test binaries).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HoSoSucKhoe.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HoSoSucKhoe.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));
}
