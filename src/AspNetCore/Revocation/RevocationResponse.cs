using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>The answer to a revocation: what was revoked, until when, and what it did across the cluster.</summary>
internal sealed record RevocationResponse(
    RevokedTarget Revoked,
    DateTimeOffset RevokedAt,
    DateTimeOffset RetainedUntil,
    int DroppedCachedValidations,
    int ConfirmedSilos,
    IReadOnlyList<string> UnconfirmedSilos,
    int ConfirmedHosts,
    IReadOnlyList<string> UnconfirmedHosts,
    bool Persisted,
    int ActiveRevocations)
{
    public static RevocationResponse From(RevocationOutcome outcome, AuthCacheOptions options) => new(
        new RevokedTarget(RevocationKindNames.Of(outcome.Record.Kind), outcome.Record.Value, outcome.Record.Issuer),
        outcome.Record.RevokedAt,
        RevocationPolicy.From(options).KeptUntil(outcome.Record),
        outcome.DroppedValidations,
        outcome.ConfirmedSilos,
        outcome.UnconfirmedSilos,
        outcome.ConfirmedHosts,
        outcome.UnconfirmedHosts,
        outcome.Persisted,
        outcome.ActiveRevocations);
}

/// <summary>The session or subject of <see cref="Issuer"/>, or the token hash (no issuer).</summary>
internal sealed record RevokedTarget(string Kind, string Value, string? Issuer);
