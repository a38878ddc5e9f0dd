namespace AuthCache.GrainInterfaces;

/// <summary>One claim of a validated token, as the scheme rebuilds it into a <c>ClaimsPrincipal</c>.</summary>
[GenerateSerializer, Immutable, Alias("AuthCache.TokenClaim")]
public sealed record TokenClaim(string Type, string Value, string ValueType);
