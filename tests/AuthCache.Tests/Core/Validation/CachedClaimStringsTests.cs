using System.Security.Cryptography;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Core.Validation;

/// <summary>What a cached validation keeps of a token's claims: every claim, with the repeated strings shared.</summary>
public sealed class CachedClaimStringsTests
{
    private static readonly IssuerOptions Issuer = new() { Issuer = "https://clerk.example.com", AuthorizedParties = ["https://app.example.com"] };
    private static readonly SigningCredentials Credentials = new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256);

    private static JsonWebToken Token(string subject, string session) => new(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://clerk.example.com",
        Claims = new Dictionary<string, object> { ["sub"] = subject, ["sid"] = session, ["azp"] = "https://app.example.com", ["custom"] = "x" },
        Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = Credentials,
    }));

    [Fact]
    public void Every_claim_is_kept_and_the_strings_tokens_repeat_are_one_instance()
    {
        var first = Token("user_1", "sess_1");
        var second = Token("user_1", "sess_2");

        var a = CachedClaimStrings.From(first.Claims, Issuer, first.Subject, out _);
        var b = CachedClaimStrings.From(second.Claims, Issuer, second.Subject, out _);

        Assert.Equal(first.Claims.Select(c => (c.Type, c.Value, c.ValueType)), a.Select(c => (c.Type, c.Value, c.ValueType)));
        Assert.Same(Issuer.Issuer, a.Single(c => c.Type == "iss").Value);
        Assert.Same(Issuer.AuthorizedParties[0], a.Single(c => c.Type == "azp").Value);
        Assert.Same(first.Subject, a.Single(c => c.Type == "sub").Value);
        foreach (var type in new[] { "iss", "sub", "sid", "azp", "exp" })
        {
            Assert.Same(a.Single(c => c.Type == type).Type, b.Single(c => c.Type == type).Type);
            Assert.Same(a.Single(c => c.Type == type).ValueType, b.Single(c => c.Type == type).ValueType);
        }

        Assert.Equal("sess_2", b.Single(c => c.Type == "sid").Value);
    }
}
