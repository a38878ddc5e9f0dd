using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

[Collection(ApiHostCollection.Name)]
public sealed class SecretHygieneTests(ApiHostFixture fixture)
{
    [Fact]
    public async Task No_raw_token_or_secret_appears_in_any_log_line()
    {
        var issuer = fixture.Issuer;
        var tokens = new List<string>
        {
            issuer.CreateToken("user_log_ok"),
            issuer.CreateToken("user_log_ec", key: issuer.Ec),
            issuer.CreateToken("user_log_forged", key: TestIssuer.CreateRsaKey("rsa-1")),
            issuer.CreateToken("user_log_unknown_kid", key: TestIssuer.CreateRsaKey("kid-" + Guid.NewGuid().ToString("N"))),
            issuer.CreateToken("user_log_expired", now: DateTime.UtcNow.AddHours(-2)),
            issuer.CreateToken("user_log_foreign", issuer: "https://elsewhere.example"),
            issuer.CreateToken("user_log_down", issuer: fixture.UnreachableIssuer),
        };

        foreach (var token in tokens)
        {
            await fixture.Http.GetAsync("/api/v1/me", token);
            await fixture.Http.GetAsync("/api/v1/direct/me", token);
        }

        issuer.UsersFail = true;
        try
        {
            var profileless = issuer.CreateToken("user_log_profile_down");
            tokens.Add(profileless);
            await fixture.Http.GetAsync("/api/v1/me", profileless);
        }
        finally
        {
            issuer.UsersFail = false;
        }

        await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: "wrong-" + ApiHostFixture.AdminKey);
        await fixture.Http.GetAsync("/api/v1/cache/stats", adminKey: ApiHostFixture.AdminKey);

        var lines = fixture.Logs.Lines.ToArray();
        Assert.NotEmpty(lines);
        foreach (var secret in tokens.Concat([TestIssuer.ClerkSecretKey, ApiHostFixture.AdminKey]))
        {
            // Any signature segment is as sensitive as the whole token.
            var signature = secret.Split('.').Last();
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal) || line.Contains(signature, StringComparison.Ordinal));
        }
    }
}
