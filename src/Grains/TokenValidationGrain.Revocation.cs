using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;

namespace AuthCache.Grains;

/// <summary>
/// The revocation side of a token's grain: the silo's replica of the revocation list decides, in-process.
/// </summary>
internal sealed partial class TokenValidationGrain
{
    private static readonly TimeSpan RevocationsReadyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A silo that has just joined may not have the revocation list yet: wait for its first synchronisation
    /// (bounded, so a list that cannot be reached does not stop authentication) before trusting a token.
    /// </summary>
    private async Task<TrackedValidation> WatchRevocationsAsync(TokenValidationOutcome result)
    {
        if (!revocations.Ready.IsCompleted)
        {
            try
            {
                await revocations.Ready.WaitAsync(RevocationsReadyTimeout);
            }
            catch (TimeoutException)
            {
                revocations.ReportNotReady();
            }
        }

        return validations.Watch(Key, result);
    }

    /// <summary>A revoked token is answered as such and its activation goes, like any failure.</summary>
    private TokenValidationOutcome RejectRevoked(string path)
    {
        Release();
        DeactivateOnIdle();
        revocationMetrics.Rejected(path);
        return TokenValidationOutcome.Failure(AuthFailureReason.Revoked);
    }
}
