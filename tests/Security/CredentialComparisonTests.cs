using System.Security.Cryptography;
using HoSoSucKhoe.Api.Access;
using Microsoft.Extensions.Options;

namespace HoSoSucKhoe.Tests.Security;

/// <summary>API keys are compared in constant time: through <see cref="CryptographicOperations.FixedTimeEquals"/>, and
/// against every configured key whichever matched (no early exit), so that timing reveals neither the key nor its position.</summary>
public sealed class CredentialComparisonTests
{
    static IOptions<AccessOptions> Keys(int n) => Options.Create(new AccessOptions
    {
        Credentials = [.. Enumerable.Range(0, n).Select(i => new Credential { Key = $"khoa-thu-nghiem-{i:D4}-abcdef", Name = $"Khoá {i}", Role = Roles.Admin })],
    });

    [Fact]
    public void TheStoreTheServerBuildsComparesWithFixedTimeEquals()
    {
        var store = new CredentialStore(Keys(3));
        Assert.Equal(new SecretComparer(CryptographicOperations.FixedTimeEquals), store.Comparer);
        Assert.Equal("Khoá 1", store.Find("khoa-thu-nghiem-0001-abcdef")?.Name);
        Assert.Equal("Khoá 1", store.Find("  khoa-thu-nghiem-0001-abcdef ")?.Name); // trimmed as configured
        Assert.Null(store.Find("khoa-thu-nghiem-0001-abcdeF"));
        Assert.Null(store.Find(""));
    }

    [Theory]
    [InlineData("khoa-thu-nghiem-0000-abcdef")]
    [InlineData("khoa-thu-nghiem-0004-abcdef")]
    [InlineData("khoa-thu-nghiem-0009-abcdef")]
    [InlineData("khong-phai-khoa-nao-ca-00")]
    public void EveryLookupComparesTheDigestsOfAllKeysWhicheverMatches(string presented)
    {
        var calls = 0;
        var lengths = new List<int>();
        var store = new CredentialStore(Keys(10), (a, b) =>
        {
            calls++;
            lengths.Add(a.Length);
            lengths.Add(b.Length);
            return CryptographicOperations.FixedTimeEquals(a, b);
        });
        var found = store.Find(presented);
        Assert.Equal(10, calls);
        Assert.All(lengths, l => Assert.Equal(32, l)); // SHA-256 digests, never the key text itself
        Assert.Equal(presented.StartsWith("khoa", StringComparison.Ordinal), found is not null);
    }
}
