using System.Security.Cryptography;
using AuthCache.Bench.Tokens;
using AuthCache.Core;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using CacheResult = AuthCache.GrainInterfaces.TokenValidationOutcome;

namespace AuthCache.Bench.Micro;

/// <summary>
/// What a miss costs, and what JwtBearer pays on every request: a full validation of a Clerk-shaped token with
/// keys already parsed, by <see cref="JsonWebTokenHandler"/> alone and by our <see cref="TokenValidator"/>
/// (precheck, key lookup, signature, lifetime, azp).
/// </summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private const string IssuerUrl = "https://clerk.bench.example";

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private ServiceProvider _services = null!;
    private TokenValidator _validator = null!;
    private StaticKeySource _keys = null!;
    private TokenValidationParameters _parameters = null!;
    private string _rs256 = "";
    private string _es256 = "";

    [GlobalSetup]
    public void Setup()
    {
        var rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "bench-rsa" };
        var ec = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "bench-ec" };
        _rs256 = new ClerkTokenFactory(IssuerUrl, rsa).Create(1, 0, DateTime.UtcNow, TimeSpan.FromHours(1));
        _es256 = new ClerkTokenFactory(IssuerUrl, ec).Create(1, 0, DateTime.UtcNow, TimeSpan.FromHours(1));

        var rsaJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.Rsa.ExportParameters(false)) { KeyId = rsa.KeyId });
        var ecJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ec);
        _keys = new StaticKeySource(new JwksSnapshot(
            IssuerUrl,
            1,
            [
                new SigningKeyMaterial(rsa.KeyId, "RSA", SecurityAlgorithms.RsaSha256, rsaJwk.N, rsaJwk.E, null, null, null),
                new SigningKeyMaterial(ec.KeyId, "EC", SecurityAlgorithms.EcdsaSha256, null, null, ecJwk.Crv, ecJwk.X, ecJwk.Y),
            ],
            DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddHours(2),
            false,
            null,
            null));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = IssuerUrl,
            ["AuthCache:Issuers:0:AuthorizedParties:0"] = AuthCache.Bench.Issuer.FakeClerkIssuer.AuthorizedParty,
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddAuthCacheCore().BuildServiceProvider();
        _validator = _services.GetRequiredService<TokenValidator>();

        _parameters = new TokenValidationParameters
        {
            ValidIssuer = IssuerUrl,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = [rsaJwk, ecJwk],
            ClockSkew = TimeSpan.FromSeconds(5),
        };

        foreach (var token in new[] { _rs256, _es256 })
        {
            if (!_validator.ValidateAsync(token, _keys).GetAwaiter().GetResult().IsValid || !Handler.ValidateTokenAsync(token, _parameters).GetAwaiter().GetResult().IsValid)
            {
                throw new InvalidOperationException("A benchmark token does not validate.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Description = "JsonWebTokenHandler RS256 (what JwtBearer does per request)")]
    public async Task<bool> HandlerRs256() => (await Handler.ValidateTokenAsync(_rs256, _parameters)).IsValid;

    [Benchmark(Description = "JsonWebTokenHandler ES256")]
    public async Task<bool> HandlerEs256() => (await Handler.ValidateTokenAsync(_es256, _parameters)).IsValid;

    [Benchmark(Description = "TokenValidator RS256 (a miss, keys in hand)")]
    public Task<CacheResult> ValidatorRs256() => _validator.ValidateAsync(_rs256, _keys);

    [Benchmark(Description = "TokenValidator ES256 (a miss, keys in hand)")]
    public Task<CacheResult> ValidatorEs256() => _validator.ValidateAsync(_es256, _keys);

    private sealed class StaticKeySource(JwksSnapshot snapshot) : ISigningKeySource
    {
        public Task<JwksSnapshot> GetKeysAsync(string issuer) => Task.FromResult(snapshot);

        public Task<JwksSnapshot> RefreshForUnknownKeyAsync(string issuer, string keyId) => Task.FromResult(snapshot);
    }
}
