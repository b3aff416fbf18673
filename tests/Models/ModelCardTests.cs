using System.Xml.Linq;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Support;

namespace HoSoSucKhoe.Tests.Models;

public sealed class ModelCardTests
{
    /// <summary>The version central package management pins for a package (Directory.Packages.props of the repository
    /// the tests were built from).</summary>
    public static string PinnedVersion(string package) =>
        XDocument.Parse(Repository.Read("Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;

    [Fact]
    public void ModelCardNamesTheMlNetVersionThePackagesPin() =>
        Assert.Equal(PinnedVersion("Microsoft.ML"), RiskModel.MlNetVersion);
}
