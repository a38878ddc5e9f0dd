using System.Security.Cryptography;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// The real API host (embedded silo, Kestrel on 127.0.0.1) as an attacker meets it: two trusted issuers over real
/// HTTP, the primary with RSA and EC keys (the admin issuer, and the one whose users the Clerk secret key reads) and
/// a secondary ES256-only one with a key id of its own; an admin key, admin tokens, Clerk webhooks, and a
/// <see cref="RequestTrap"/> that hostile headers point at. Every log line is captured.
/// </summary>
public sealed class SecurityApiFixture : IAsyncLifetime
{
    public const string AdminKey = "security-admin-key-91d2c4";
    public const string AdminRole = "admin";
    public const string SecondaryKeyId = "ec-b";

    public string WebhookSecret { get; } = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>The admin issuer and the profile issuer; publishes <c>rsa-1</c> and <c>ec-1</c>.</summary>
    public TestIssuer Primary { get; private set; } = null!;

    /// <summary>Another trusted issuer, ES256 only: publishes just <see cref="SecondaryKey"/>.</summary>
    public TestIssuer Secondary { get; private set; } = null!;

    public ECDsaSecurityKey SecondaryKey { get; } = TestIssuer.CreateEcKey(SecondaryKeyId);

    /// <summary>A key no issuer publishes; the trap serves it as if it were trusted.</summary>
    public RsaSecurityKey AttackerKey { get; } = TestIssuer.CreateRsaKey("attacker-rsa");

    public RequestTrap Trap { get; private set; } = null!;

    public ApiHostInstance Host { get; private set; } = null!;

    public HttpClient Http => Host.Http;

    public LogCapture Logs => Host.Logs;

    /// <summary>Signs webhook deliveries at the real clock's now, as Clerk would.</summary>
    public SvixTestSigner Webhooks => new(WebhookSecret, new FakeTimeProvider(DateTimeOffset.UtcNow));

    public async Task InitializeAsync()
    {
        Primary = await TestIssuer.StartAsync();
        Secondary = await TestIssuer.StartAsync();
        Secondary.Unpublish(Secondary.Rsa.KeyId);
        Secondary.Unpublish(Secondary.Ec.KeyId);
        Secondary.Publish(SecondaryKey);
        Trap = await RequestTrap.StartAsync(AttackerKey);
        Host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = Primary.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Issuers:1:Issuer"] = Secondary.Issuer,
            ["AuthCache:Issuers:1:RequireHttps"] = "false",
            ["AuthCache:UserProfiles:BaseUrl"] = Primary.BaseUrl,
            ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
            ["AuthCache:UserProfiles:Issuer"] = Primary.Issuer,
            ["AuthCache:Admin:ApiKey"] = AdminKey,
            ["AuthCache:Admin:Role"] = AdminRole,
            ["AuthCache:Admin:Issuers:0"] = Primary.Issuer,
            ["AuthCache:Webhooks:ClerkSigningSecret"] = WebhookSecret,
            ["AuthCache:FailedAuthenticationLimit:PermitLimit"] = "1000000",
            // Under Kestrel's 32 KB of request headers, so an oversized token reaches AuthCache instead of getting a 431.
            ["AuthCache:MaxTokenSize"] = "16384",
        });
    }

    /// <summary>A token of the secondary issuer, signed with its ES256 key.</summary>
    public string SecondaryToken(string subject, IDictionary<string, object>? extraClaims = null) =>
        Secondary.CreateToken(subject, key: SecondaryKey, extraClaims: extraClaims);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Trap.DisposeAsync();
        await Secondary.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
