using System.Security.Cryptography;
using AuthCache.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// The real API host (embedded silo, Kestrel on 127.0.0.1) as a Clerk application runs it: trusting a
/// <see cref="TestIssuer"/>, reading profiles from its user API, receiving its Svix-signed webhooks, with two endpoints
/// of the application's own (mapped here, not in the product) guarded by organisation policies. On a fake clock.
/// </summary>
public sealed class ClerkApiFixture : IAsyncLifetime
{
    /// <summary>Requires <c>org_role</c> = <c>org:admin</c>, as a policy written for Clerk's version 1 tokens does.</summary>
    public const string OrganizationAdminRoute = "/test/org-admin";

    /// <summary>Requires an <c>org_permissions</c> claim <c>org:dashboard:manage</c>.</summary>
    public const string DashboardManagersRoute = "/test/dashboard-managers";

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

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
                ["AuthCache:UserProfiles:BaseUrl"] = Issuer.BaseUrl,
                ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
                ["AuthCache:Webhooks:ClerkSigningSecret"] = WebhookSecret,
                ["AuthCache:FailedAuthenticationLimit:PermitLimit"] = "1000000",
            },
            configureServices: services => services.AddSingleton(new AuthCacheClock(Time)),
            configureApp: app =>
            {
                app.MapGet(OrganizationAdminRoute, () => Results.Ok()).RequireAuthorization(policy => policy.RequireClaim("org_role", "org:admin"));
                app.MapGet(DashboardManagersRoute, () => Results.Ok()).RequireAuthorization(policy => policy.RequireClaim("org_permissions", "org:dashboard:manage"));
            });
    }

    /// <summary>A token minted at the fake clock's now, with a session of its own unless given one.</summary>
    public string Token(string subject, IDictionary<string, object>? extraClaims = null, string? sid = null) =>
        Issuer.CreateToken(subject, sid: sid ?? "sess_" + Guid.NewGuid().ToString("N"), now: Time.GetUtcNow().UtcDateTime, extraClaims: extraClaims);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClerkApiCollection : ICollectionFixture<ClerkApiFixture>
{
    public const string Name = "clerk-api";
}
