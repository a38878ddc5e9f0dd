using System.Diagnostics;
using Orleans.Runtime;

namespace AuthCache.Core.Diagnostics;

/// <summary>
/// The <c>AuthCache</c> activity source: spans for token resolutions of the API hosts (grain calls included),
/// validations, JWKS fetches and profile fetches. Tags carry configured issuers, sources, outcomes, reason codes and
/// key counts only: never tokens, hashes, subjects or session ids.
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null while nobody listens, so an untraced
/// request pays one listener check per span.
/// </summary>
internal static class AuthCacheActivities
{
    public const string SourceName = "AuthCache";

    public static readonly ActivitySource Source = new(SourceName);

    public const string ResolveActivity = "AuthCache.Resolve";

    public const string ValidateTokenActivity = "AuthCache.ValidateToken";

    public const string FetchJwksActivity = "AuthCache.FetchJwks";

    public const string FetchProfileActivity = "AuthCache.FetchProfile";

    /// <summary>A configured issuer's URL; never the <c>iss</c> of a token no configured issuer matches.</summary>
    public const string IssuerTag = "authcache.issuer";

    /// <summary>
    /// <c>valid</c> or the reason code of a rejected token; <c>success</c> or <c>failure</c> of a fetch.
    /// </summary>
    public const string OutcomeTag = "authcache.outcome";

    /// <summary>
    /// Where a resolution's answer came from: <c>precheck</c>, <c>near_cache</c>, <c>cluster</c>, <c>direct</c>,
    /// <c>fallback</c>, <c>hedged</c>.
    /// </summary>
    public const string SourceTag = "authcache.source";

    /// <summary>The number of usable signing keys a JWKS fetch returned.</summary>
    public const string KeyCountTag = "authcache.jwks.key_count";

    /// <summary>
    /// The class of the identity provider's HTTP status (<c>2xx</c>, <c>4xx</c>, <c>5xx</c>), when it answered.
    /// </summary>
    public const string StatusClassTag = "http.response.status_class";

    public const string Success = "success";

    public const string Failure = "failure";

    /// <summary>
    /// The W3C header name, the one Orleans' own propagation reads and writes in the request context.
    /// </summary>
    private const string TraceParentKey = "traceparent";

    /// <summary>
    /// Starts a span, or returns null while nobody listens. A grain's turn does not inherit its caller's
    /// <see cref="Activity.Current"/>, so the span's id also goes into Orleans' <see cref="RequestContext"/> (an id,
    /// nothing of the token), and a span started in a grain takes its parent from there. Call it from an async method:
    /// the request context then reverts when that method returns.
    /// </summary>
    public static Activity? Start(string name)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = CallerContext() is { } caller
            ? Source.StartActivity(name, ActivityKind.Internal, caller)
            : Source.StartActivity(name, ActivityKind.Internal);
        if (activity?.Id is { } id)
        {
            RequestContext.Set(TraceParentKey, id);
        }

        return activity;
    }

    /// <summary>
    /// The calling span that came with a grain call, unless <see cref="Activity.Current"/> already belongs to its trace
    /// (in the API host, or in a silo where Orleans' own propagation started a span for the call).
    /// </summary>
    private static ActivityContext? CallerContext() =>
        RequestContext.Get(TraceParentKey) is string traceParent
        && ActivityContext.TryParse(traceParent, null, isRemote: true, out var caller)
        && Activity.Current?.TraceId != caller.TraceId
            ? caller
            : null;

    /// <summary>
    /// Records a span's outcome; a failure also becomes its Error status, with the reason as description.
    /// </summary>
    public static void SetOutcome(this Activity activity, string outcome, bool failed, string? reason = null)
    {
        activity.SetTag(OutcomeTag, outcome);
        if (failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, reason ?? outcome);
        }
    }

    /// <summary>The status class of an HTTP status code, without allocating.</summary>
    public static string StatusClass(int statusCode) => (statusCode / 100) switch
    {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    };
}
