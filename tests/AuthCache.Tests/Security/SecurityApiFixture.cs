using System.Security.Cryptography;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>
/// The real API host (embedded silo, Kestrel on 127.0.0.1) as an attacker meets it: four trusted issuers over real
/// HTTP, the primary with RSA and EC keys (the admin issuer, and the one whose users the Clerk secret key reads),
/// a secondary ES256-only one with a key id of its own, one with keys of every algorithm and one pinned to two; an admin key, admin tokens, Clerk webhooks, and a
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

    /// <summary>
    /// A third trusted issuer that pins no algorithms: one key per algorithm (<see cref="AlgorithmKeys.KeyIdFor"/>, the
    /// key's <c>alg</c> says which), an RSA key and a P-384 key without <c>alg</c>, and two 1024-bit RSA keys.
    /// </summary>
    public TestIssuer Algorithms { get; private set; } = null!;

    public IReadOnlyDictionary<string, AsymmetricSecurityKey> KeyByAlgorithm { get; } =
        AlgorithmKeys.All.ToDictionary(a => a, a => AlgorithmKeys.CreateFor(a, AlgorithmKeys.KeyIdFor(a)));

    public AsymmetricSecurityKey RsaWithoutAlg { get; } = AlgorithmKeys.CreateFor("RS256", "rsa-no-alg");

    public AsymmetricSecurityKey P384WithoutAlg { get; } = AlgorithmKeys.CreateFor("ES384", "p384-no-alg");

    /// <summary>Published as is, and padded with leading zeros to the length of a 2048-bit modulus.</summary>
    public RsaSecurityKey Rsa1024 { get; } = new(RSA.Create(1024)) { KeyId = "rsa-1024" };

    public RsaSecurityKey Rsa1024Padded { get; } = new(RSA.Create(1024)) { KeyId = "rsa-1024-padded" };

    /// <summary>A fourth trusted issuer, pinned to <see cref="PinnedAlgorithms"/>: an RSA key without <c>alg</c> and one with RS256.</summary>
    public TestIssuer Pinned { get; private set; } = null!;

    public static readonly string[] PinnedAlgorithms = ["PS256", "RS256"];

    public AsymmetricSecurityKey PinnedWithoutAlg { get; } = AlgorithmKeys.CreateFor("PS256", "pinned-no-alg");

    public AsymmetricSecurityKey PinnedRs256 { get; } = AlgorithmKeys.CreateFor("RS256", "pinned-rs256");

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
        Algorithms = await StartIssuerAsync(
            [.. KeyByAlgorithm.Select(k => AlgorithmKeys.Jwk(k.Value, k.Key)), AlgorithmKeys.Jwk(RsaWithoutAlg, null), AlgorithmKeys.Jwk(P384WithoutAlg, null),
             AlgorithmKeys.Jwk(Rsa1024, "RS256"), AlgorithmKeys.PaddedRsaJwk(Rsa1024Padded, 256)]);
        Pinned = await StartIssuerAsync([AlgorithmKeys.Jwk(PinnedWithoutAlg, null), AlgorithmKeys.Jwk(PinnedRs256, "RS256")]);
        Trap = await RequestTrap.StartAsync(AttackerKey);
        Host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = Primary.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:Issuers:1:Issuer"] = Secondary.Issuer,
            ["AuthCache:Issuers:1:RequireHttps"] = "false",
            ["AuthCache:Issuers:2:Issuer"] = Algorithms.Issuer,
            ["AuthCache:Issuers:2:RequireHttps"] = "false",
            ["AuthCache:Issuers:3:Issuer"] = Pinned.Issuer,
            ["AuthCache:Issuers:3:RequireHttps"] = "false",
            ["AuthCache:Issuers:3:Algorithms:0"] = PinnedAlgorithms[0],
            ["AuthCache:Issuers:3:Algorithms:1"] = PinnedAlgorithms[1],
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

    private static async Task<TestIssuer> StartIssuerAsync(IEnumerable<JsonWebKey> keys)
    {
        var issuer = await TestIssuer.StartAsync();
        issuer.Unpublish(issuer.Rsa.KeyId);
        issuer.Unpublish(issuer.Ec.KeyId);
        foreach (var key in keys)
        {
            issuer.Publish(key);
        }

        return issuer;
    }

    /// <summary>A token of the secondary issuer, signed with its ES256 key.</summary>
    public string SecondaryToken(string subject, IDictionary<string, object>? extraClaims = null) =>
        Secondary.CreateToken(subject, key: SecondaryKey, extraClaims: extraClaims);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Trap.DisposeAsync();
        await Pinned.DisposeAsync();
        await Algorithms.DisposeAsync();
        await Secondary.DisposeAsync();
        await Primary.DisposeAsync();
    }
}
