namespace AuthCache.GrainInterfaces;

/// <summary>
/// The public parameters of one signing key as published in the issuer's JWKS (base64url strings as in the
/// JWK). RSA keys carry <see cref="N"/> and <see cref="E"/>; EC keys (P-256, P-384, P-521) <see cref="Crv"/>,
/// <see cref="X"/> and <see cref="Y"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuthCache.SigningKeyMaterial")]
public sealed record SigningKeyMaterial(
    string Kid,
    string Kty,
    string? Alg,
    string? N,
    string? E,
    string? Crv,
    string? X,
    string? Y);
