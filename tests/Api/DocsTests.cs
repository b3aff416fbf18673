using HoSoSucKhoe.Api.Demo;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Api;

/// <summary>What the README tells a newcomer to look at is where the code puts it.</summary>
public sealed class DocsTests
{
    [Fact]
    public void ReadmeNamesTheFoldersTheDemoWritesTo()
    {
        var readme = Repository.Read("README.md");
        var start = readme.IndexOf("The first run", StringComparison.Ordinal);
        Assert.True(start >= 0, "README lost its paragraph on the demo's first run");
        var paragraph = readme[start..readme.IndexOf("\n\n", start, StringComparison.Ordinal)];
        // The generator writes population.csv and truth.json into its output folder, with the snapshots.
        var snapshots = $"`api/{new DemoWarehouse(DemoWarehouse.DefaultFolder).Options.OutDir.Replace('\\', '/')}/`";
        Assert.Contains(snapshots, paragraph);
        Assert.True(paragraph.IndexOf("`population.csv`", StringComparison.Ordinal) > paragraph.IndexOf(snapshots, StringComparison.Ordinal));
        Assert.Contains("`truth.json`", paragraph);
        Assert.Contains($"`api/{new DemoWarehouse(DemoWarehouse.DefaultFolder).DatabasePath.Replace('\\', '/')}`", paragraph);
    }
}
