using System.Net;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// Tokens of every algorithm AuthCache verifies, signed by IdentityModel's own token handler with the key published
/// for that algorithm, are accepted through the cluster and by the direct scheme; keys without <c>alg</c> serve
/// their default algorithm, or what their issuer pins. Their refusals are in the <see cref="AttackCorpus"/>.
/// </summary>
[Collection(SecurityApiCollection.Name)]
public sealed class AlgorithmTests(SecurityApiFixture fixture)
{
    public static TheoryData<string> EveryAlgorithm => [.. AlgorithmKeys.All];

    [Theory]
    [MemberData(nameof(EveryAlgorithm))]
    public async Task A_token_signed_with_each_supported_algorithm_by_the_key_published_for_it_is_accepted_by_both_schemes(string algorithm)
    {
        var key = fixture.KeyByAlgorithm[algorithm];

        await AssertAcceptedAsync(fixture.Algorithms.Issuer, key, algorithm);
    }

    [Theory]
    [InlineData("rsa-no-alg", "RS256")]
    [InlineData("p384-no-alg", "ES384")]
    public async Task A_key_without_alg_of_an_issuer_that_pins_nothing_verifies_the_default_algorithm_of_its_type_and_curve(string kid, string algorithm)
    {
        var key = kid == fixture.RsaWithoutAlg.KeyId ? fixture.RsaWithoutAlg : fixture.P384WithoutAlg;

        await AssertAcceptedAsync(fixture.Algorithms.Issuer, key, algorithm);
    }

    [Theory]
    [InlineData("PS256")]
    [InlineData("RS256")]
    public async Task A_key_without_alg_of_a_pinned_issuer_verifies_every_pinned_algorithm_of_its_type(string algorithm)
    {
        await AssertAcceptedAsync(fixture.Pinned.Issuer, fixture.PinnedWithoutAlg, algorithm);
    }

    [Fact]
    public async Task RSA_keys_under_2048_bits_are_skipped_with_a_logged_reason_and_never_held()
    {
        await AssertAcceptedAsync(fixture.Algorithms.Issuer, fixture.KeyByAlgorithm["RS256"], "RS256");

        var lines = fixture.Logs.Lines.ToArray();
        foreach (var kid in new[] { fixture.Rsa1024.KeyId, fixture.Rsa1024Padded.KeyId })
        {
            Assert.Contains(lines, l => l.Contains(fixture.Algorithms.Issuer, StringComparison.Ordinal) && l.Contains($"{kid}: RSA key shorter than 2048 bits", StringComparison.Ordinal));
        }

        var held = fixture.Host.App.Services.GetRequiredService<AuthCache.Core.Jwks.LocalJwksKeySource>().HeldKeyIds(fixture.Algorithms.Issuer);
        Assert.Contains(AlgorithmKeys.KeyIdFor("RS256"), held);
        Assert.DoesNotContain(fixture.Rsa1024.KeyId, held);
        Assert.DoesNotContain(fixture.Rsa1024Padded.KeyId, held);
    }

    private async Task AssertAcceptedAsync(string issuer, SecurityKey key, string algorithm)
    {
        var subject = "user_" + algorithm + "_" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["sid"] = "sess_" + subject },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
        Assert.Equal(algorithm, new JsonWebToken(token).Alg);

        foreach (var path in new[] { AttackCorpus.CachedPath, AttackCorpus.DirectPath, AttackCorpus.CachedPath })
        {
            using var response = await fixture.Http.GetAsync(path, token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{algorithm} at {path}: {(int)response.StatusCode} {response.ErrorDescription()}");
            Assert.Equal(subject, (await response.JsonAsync()).GetProperty("subject").GetString());
        }
    }
}
