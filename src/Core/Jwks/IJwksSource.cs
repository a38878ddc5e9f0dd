namespace AuthCache.Core.Jwks;

/// <summary>
/// The signing keys of one issuer that this very process holds, handed to <see cref="JwksFetcher"/> in place of a
/// request to the issuer's JWKS URI: an issuer served by the host itself has its keys before the host listens. The
/// document is read with the same rules as a fetched one. Register one only for keys the process owns.
/// </summary>
public interface IJwksSource
{
    /// <summary>The exact <c>iss</c> of the issuer whose keys <see cref="GetJwksDocument"/> returns.</summary>
    string Issuer { get; }

    /// <summary>The issuer's JWKS document, as its JWKS endpoint serves it.</summary>
    string GetJwksDocument();
}
