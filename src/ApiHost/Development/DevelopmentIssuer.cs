using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using AuthCache.Core.Jwks;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.ApiHost.Development;

/// <summary>
/// A local token issuer for trying the API without an identity provider: its own RSA key (new at every start),
/// a JWKS and a token endpoint. Registered only in Development when no issuer is configured. As the
/// <see cref="IJwksSource"/> of its issuer it hands its keys to this host's silo and fallback directly: they are
/// there before the host listens, so its JWKS endpoint serves only other processes.
/// </summary>
public sealed class DevelopmentIssuer : IJwksSource, IDisposable
{
    public const string PathPrefix = "/dev/issuer";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _signingKey;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly string _jwksDocument;

    public DevelopmentIssuer(string baseUrl)
    {
        BaseUrl = baseUrl.TrimEnd('/');
        Issuer = IssuerOf(BaseUrl);
        _signingKey = new RsaSecurityKey(_rsa)
        {
            KeyId = "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        };

        // Exporting the public key generates the key pair (up to a second of CPU on a busy machine): here, while the
        // host is composed, and not in the first grain turn that reads the keys.
        _jwksDocument = JsonSerializer.Serialize(Jwks());
    }

    public string BaseUrl { get; }

    public string Issuer { get; }

    /// <summary>The <c>iss</c> of the development issuer served at <paramref name="baseUrl"/>.</summary>
    public static string IssuerOf(string baseUrl) => baseUrl.TrimEnd('/') + PathPrefix;

    public string CreateToken(string subject, TimeSpan lifetime, string? role)
    {
        var claims = new List<Claim>
        {
            new("sub", subject),
            new("sid", "sess_dev_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))),
        };
        if (!string.IsNullOrEmpty(role))
        {
            claims.Add(new Claim("role", role));
        }

        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public string GetJwksDocument() => _jwksDocument;

    private object Jwks()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA",
                    use = "sig",
                    alg = SecurityAlgorithms.RsaSha256,
                    kid = _signingKey.KeyId,
                    n = Base64UrlEncoder.Encode(parameters.Modulus),
                    e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        };
    }

    public void Dispose() => _rsa.Dispose();
}
