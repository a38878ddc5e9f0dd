using System.Diagnostics;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;

namespace AuthCache.AspNetCore.Caching;

/// <summary>The tags of an <c>AuthCache.Resolve</c> span: where the answer came from, its outcome and issuer.</summary>
internal static class TokenResolutionActivity
{
    public static void SetResolution(this Activity activity, TokenResolution resolution)
    {
        activity.SetTag(AuthCacheActivities.SourceTag, SourceName(resolution.Source));
        var outcome = resolution.Outcome;
        if (outcome.IsValid)
        {
            activity.SetTag(AuthCacheActivities.IssuerTag, outcome.Issuer);
            activity.SetOutcome(TokenValidator.ValidOutcome, failed: false);
        }
        else
        {
            activity.SetOutcome(outcome.FailureReason ?? AuthCacheActivities.Failure, failed: true);
        }
    }

    /// <summary>Constant names, so tagging allocates no string.</summary>
    public static string SourceName(TokenResolutionSource source) => source switch
    {
        TokenResolutionSource.Precheck => "precheck",
        TokenResolutionSource.Cluster => "cluster",
        TokenResolutionSource.NearCache => "near_cache",
        TokenResolutionSource.Direct => "direct",
        TokenResolutionSource.Fallback => "fallback",
        TokenResolutionSource.Hedged => "hedged",
        _ => "unknown",
    };
}
