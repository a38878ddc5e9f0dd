using System.Globalization;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// The validated token as JwtBearer's events see it (<c>TokenValidatedContext.SecurityToken</c>): its issuer, key id,
/// <c>jti</c> and lifetime, read from the cached answer rather than by parsing the token again.
/// </summary>
internal sealed class CachedSecurityToken(TokenValidationOutcome result) : SecurityToken
{
    public override string Id => Claim("jti") ?? string.Empty;

    public override string Issuer => result.Issuer ?? string.Empty;

    public override SecurityKey SecurityKey => null!;

    public override SecurityKey SigningKey { get; set; } = null!;

    /// <summary>The id of the key that verified the token.</summary>
    public string? KeyId => result.KeyId;

    public override DateTime ValidFrom => NumericDate("nbf") ?? NumericDate("iat") ?? DateTime.MinValue;

    public override DateTime ValidTo => result.ExpiresAt?.UtcDateTime ?? DateTime.MinValue;

    public override string UnsafeToString() => $"token of {Issuer} (kid {KeyId})";

    private string? Claim(string type) =>
        result.Claims.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal))?.Value;

    private DateTime? NumericDate(string type) =>
        Claim(type) is { } value
        && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && double.IsFinite(seconds)
        && seconds >= 0
        && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds((long)seconds).UtcDateTime
            : null;
}
