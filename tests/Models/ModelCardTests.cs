using System.Xml.Linq;
using HoSoSucKhoe.Models.Ncd;

namespace HoSoSucKhoe.Tests.Models;

public sealed class ModelCardTests
{
    /// <summary>The version central package management pins for a package (Directory.Packages.props of the repository
    /// the tests were built from).</summary>
    public static string PinnedVersion(string package)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return XDocument.Load(Path.Combine(dir.FullName, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;
    }

    [Fact]
    public void ModelCardNamesTheMlNetVersionThePackagesPin() =>
        Assert.Equal(PinnedVersion("Microsoft.ML"), RiskModel.MlNetVersion);
}
