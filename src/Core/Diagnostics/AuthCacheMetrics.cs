using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AuthCache.Core.Diagnostics;

/// <summary>
/// The <c>AuthCache</c> meter (exported through OpenTelemetry) and the running totals behind the stats endpoint.
/// Tags carry outcomes and issuer URLs only: never tokens, hashes or subjects.
/// </summary>
internal sealed class AuthCacheMetrics
{
    public const string MeterName = "AuthCache";

    // A cache hit takes tens of microseconds, a miss with a key fetch up to seconds: OpenTelemetry's default
    // boundaries (0, 5, 10, … 10000) are meant for milliseconds and would put every authentication in one bucket.
    private static readonly double[] AuthenticationDurationBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _validations;
    private readonly Counter<long> _jwksFetches;
    private readonly Counter<long> _profileFetches;
    private readonly Counter<long> _profileCacheHits;
    private readonly Counter<long> _requestCacheHits;
    private readonly Counter<long> _nearCacheHits;
    private readonly Counter<long> _nearCacheMisses;
    private readonly Counter<long> _nearCacheRefreshes;
    private readonly Counter<long> _refusedByIssuerRules;
    private readonly Histogram<double> _authenticationDuration;
    private readonly UpDownCounter<long> _activeEntries;

    private long _hitCount;
    private long _missCount;
    private long _validationCount;
    private long _activeEntryCount;
    private long _requestCacheHitCount;
    private long _nearCacheHitCount;
    private long _nearCacheMissCount;
    private long _fallbackCount;
    private long _hedgedCount;
    private long _nearCacheRefreshCount;
    private long _profileFetchCount;
    private long _profileHitCount;
    private long _uncachedCount;
    private long _refusedByIssuerRulesCount;

    public AuthCacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _hits = meter.CreateCounter<long>(
            "authcache.token_cache.hits",
            description: "Token validations served from the cluster cache.");
        _misses = meter.CreateCounter<long>(
            "authcache.token_cache.misses",
            description: "Token validations that had to verify the signature.");
        _validations = meter.CreateCounter<long>(
            "authcache.validations",
            description: "Signature validations by outcome (valid or reason code).");
        _jwksFetches = meter.CreateCounter<long>(
            "authcache.jwks.fetches",
            description: "JWKS fetches by issuer and outcome.");
        _profileFetches = meter.CreateCounter<long>(
            "authcache.profile.fetches",
            description: "User profile fetches from the identity provider by outcome.");
        _profileCacheHits = meter.CreateCounter<long>(
            "authcache.profile_cache.hits",
            description: "User profiles served from the cluster cache without an upstream call.");
        _requestCacheHits = meter.CreateCounter<long>(
            "authcache.request_cache.hits",
            description: "Token resolutions answered by the per-request cache.");
        _nearCacheHits = meter.CreateCounter<long>(
            "authcache.near_cache.hits",
            description: "Token resolutions answered by the API host's copy of its grains' answers, without a grain "
                + "call.");
        _nearCacheMisses = meter.CreateCounter<long>(
            "authcache.near_cache.misses",
            description: "Token resolutions the API host's near cache could not answer (no copy, or its revocation "
                + "copy not in sync).");
        _nearCacheRefreshes = meter.CreateCounter<long>(
            "authcache.near_cache.refreshes",
            description: "Near-cache copies asked of their grain again in the background before they expired, by "
                + "outcome (valid: the copy is replaced; dropped: the grain no longer finds the token valid; failed: "
                + "the copy ends at its time).");
        _refusedByIssuerRules = meter.CreateCounter<long>(
            "authcache.issuer_rules.refusals",
            description: "Valid answers of the cluster (a grain's answer, a near-cache copy, a cached validation made "
                + "under earlier options) that this process's own issuer rules refused, by reason code: a silo trusts "
                + "tokens this process does not.");

        // The counters alerts watch are observed from the running totals, so they are exported (at 0) before their
        // first event and an alert on their increase sees that first event.
        meter.CreateObservableCounter(
            "authcache.fallbacks",
            () => Interlocked.Read(ref _fallbackCount),
            description: "Authentications validated directly because the cluster failed or did not answer within the "
                + "grain call timeout.");
        meter.CreateObservableCounter(
            "authcache.hedged_validations",
            () => Interlocked.Read(ref _hedgedCount),
            description: "Authentications validated by the API host with the keys it holds because the token's grain "
                + "had not answered within FallbackAfter.");
        _authenticationDuration = meter.CreateHistogram<double>(
            "authcache.authentication.duration",
            unit: "s",
            description: "Time to authenticate a bearer token.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AuthenticationDurationBuckets });
        _activeEntries = meter.CreateUpDownCounter<long>(
            "authcache.token_cache.active_entries",
            description: "Validated tokens currently cached by this silo.");
        meter.CreateObservableCounter(
            "authcache.token_cache.uncached",
            () => Interlocked.Read(ref _uncachedCount),
            description: "Valid tokens not cached because the silo's cache was full.");
    }

    public void TokenCacheHit()
    {
        Interlocked.Increment(ref _hitCount);
        _hits.Add(1);
    }

    public void TokenCacheMiss()
    {
        Interlocked.Increment(ref _missCount);
        _misses.Add(1);
    }

    public void Validated(string outcome)
    {
        Interlocked.Increment(ref _validationCount);
        _validations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void EntryCached()
    {
        Interlocked.Increment(ref _activeEntryCount);
        _activeEntries.Add(1);
    }

    public void EntryReleased()
    {
        Interlocked.Decrement(ref _activeEntryCount);
        _activeEntries.Add(-1);
    }

    /// <summary>Validated tokens cached by this silo right now.</summary>
    public long ActiveEntries => Interlocked.Read(ref _activeEntryCount);

    public void NotCachedBecauseFull() => Interlocked.Increment(ref _uncachedCount);

    public void JwksFetched(string issuer, bool success) =>
        _jwksFetches.Add(
            1,
            new KeyValuePair<string, object?>("issuer", issuer),
            new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"));

    public void ProfileFetched(string outcome)
    {
        Interlocked.Increment(ref _profileFetchCount);
        _profileFetches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void ProfileCacheHit()
    {
        Interlocked.Increment(ref _profileHitCount);
        _profileCacheHits.Add(1);
    }

    public void RequestCacheHit()
    {
        Interlocked.Increment(ref _requestCacheHitCount);
        _requestCacheHits.Add(1);
    }

    public void NearCacheHit()
    {
        Interlocked.Increment(ref _nearCacheHitCount);
        _nearCacheHits.Add(1);
    }

    public void NearCacheMiss()
    {
        Interlocked.Increment(ref _nearCacheMissCount);
        _nearCacheMisses.Add(1);
    }

    public void NearCacheRefreshed(string outcome)
    {
        Interlocked.Increment(ref _nearCacheRefreshCount);
        _nearCacheRefreshes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void RefusedByIssuerRules(string reason)
    {
        Interlocked.Increment(ref _refusedByIssuerRulesCount);
        _refusedByIssuerRules.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>Answers of the cluster this process's issuer rules refused since it started.</summary>
    public long RefusedByIssuerRulesCount => Interlocked.Read(ref _refusedByIssuerRulesCount);

    public void Hedged() => Interlocked.Increment(ref _hedgedCount);

    public void Fallback() => Interlocked.Increment(ref _fallbackCount);

    public void AuthenticationCompleted(long startTimestamp, string result) =>
        _authenticationDuration.Record(
            Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("result", result));

    public AuthCacheCounters Snapshot() => new(
        Interlocked.Read(ref _hitCount),
        Interlocked.Read(ref _missCount),
        Interlocked.Read(ref _validationCount),
        Interlocked.Read(ref _activeEntryCount),
        Interlocked.Read(ref _requestCacheHitCount),
        Interlocked.Read(ref _nearCacheHitCount),
        Interlocked.Read(ref _fallbackCount),
        Interlocked.Read(ref _profileFetchCount),
        Interlocked.Read(ref _profileHitCount),
        Interlocked.Read(ref _uncachedCount),
        Interlocked.Read(ref _nearCacheMissCount),
        Interlocked.Read(ref _hedgedCount),
        Interlocked.Read(ref _nearCacheRefreshCount));
}

/// <summary>Running totals of one process since it started.</summary>
internal sealed record AuthCacheCounters(
    long TokenCacheHits,
    long TokenCacheMisses,
    long Validations,
    long ActiveEntries,
    long RequestCacheHits,
    long NearCacheHits,
    long Fallbacks,
    long ProfileFetches,
    long ProfileCacheHits,
    long UncachedBecauseFull,
    long NearCacheMisses,
    long HedgedValidations,
    long NearCacheRefreshes);
