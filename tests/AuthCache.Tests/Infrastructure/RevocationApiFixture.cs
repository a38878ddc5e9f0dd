using System.Security.Cryptography;
using AuthCache.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// The real API host (embedded silo, Kestrel on 127.0.0.1) with an admin key and a Clerk webhook secret, trusting
/// a <see cref="TestIssuer"/> and reading profiles from its user API, on a fake clock: token ages, revocation times
/// and webhook timestamps follow <see cref="Time"/>. Two endpoints of the application's own (mapped here, not in the
/// product) are guarded by Clerk organisation policies.
/// </summary>
public sealed class RevocationApiFixture : IAsyncLifetime
{
    public const string AdminKey = "revocation-admin-key-4b1e";

    /// <summary>Requires <c>org_role</c> = <c>org:admin</c>, as a policy written for Clerk's version 1 tokens does.</summary>
    public const string OrganizationAdminRoute = "/test/org-admin";

    /// <summary>Requires an <c>org_permissions</c> claim <c>org:dashboard:manage</c>.</summary>
    public const string DashboardManagersRoute = "/test/dashboard-managers";

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>A fresh Svix secret, as Clerk's dashboard shows it.</summary>
    public string WebhookSecret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public TestIssuer Issuer { get; private set; } = null!;

    public ApiHostInstance Host { get; private set; } = null!;

    public HttpClient Http => Host.Http;

    public SvixTestSigner Webhooks => new(WebhookSecret, Time);

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Host = await ApiHostInstance.StartAsync(
            "Production",
            new Dictionary<string, string?>
            {
                ["AuthCache:Issuers:0:Issuer"] = Issuer.Issuer,
                ["AuthCache:Issuers:0:RequireHttps"] = "false",
                ["AuthCache:Admin:ApiKey"] = AdminKey,
                ["AuthCache:Admin:Role"] = "admin",
                ["AuthCache:Webhooks:ClerkSigningSecret"] = WebhookSecret,
                ["AuthCache:UserProfiles:BaseUrl"] = Issuer.BaseUrl,
                ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
            },
            configureServices: services => services.AddSingleton(new AuthCacheClock(Time)),
            configureApp: app =>
            {
                app.MapGet(OrganizationAdminRoute, () => Results.Ok()).RequireAuthorization(policy => policy.RequireClaim("org_role", "org:admin"));
                app.MapGet(DashboardManagersRoute, () => Results.Ok()).RequireAuthorization(policy => policy.RequireClaim("org_permissions", "org:dashboard:manage"));
            });
    }

    /// <summary>A token minted at the fake clock's now.</summary>
    public string Token(string subject, string? sid = null, IDictionary<string, object>? extraClaims = null) =>
        Issuer.CreateToken(subject, sid: sid, now: Time.GetUtcNow().UtcDateTime, extraClaims: extraClaims);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RevocationApiCollection : ICollectionFixture<RevocationApiFixture>
{
    public const string Name = "revocation-api";
}
