using System.Diagnostics.Metrics;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;

namespace AuthCache.Core.Diagnostics;

/// <summary>
/// Revocation instruments on the <see cref="AuthCacheMetrics.MeterName"/> meter. Tags are kinds, sources and
/// paths only: never a session, subject, hash or token.
/// </summary>
internal sealed class RevocationMetrics
{
    private readonly Counter<long> _revocations;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _staleReplicaAnswers;
    private long _unconfirmedCount;

    public RevocationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AuthCacheMetrics.MeterName);
        _revocations = meter.CreateCounter<long>(
            "authcache.revocations",
            description: "Revocations recorded, by kind and source (admin, clerk-webhook).");
        _rejections = meter.CreateCounter<long>(
            "authcache.revocations.rejections",
            description: "Tokens rejected as revoked, by where the check ran (cache_hit, validation, local).");
        _dropped = meter.CreateCounter<long>(
            "authcache.revocations.dropped_entries",
            description: "Cached validations dropped by revocations on this silo.");
        _staleReplicaAnswers = meter.CreateCounter<long>(
            "authcache.revocation.stale_replica_answers",
            description: "Tokens this API host resolved with a copy of the revocation list older than "
                + "AuthCache:Revocation:MaxReplicaLag, because the cluster could not resynchronise it within "
                + "AuthCache:FallbackAfter.");
        meter.CreateObservableCounter(
            "authcache.revocations.unconfirmed",
            () => Interlocked.Read(ref _unconfirmedCount),
            description: "Revocations made through this host that some active silo or subscribed API host had not "
                + "confirmed when the call returned (answered 202).");
    }

    public void Revoked(RevocationKind kind, string source) =>
        _revocations.Add(
            1,
            new KeyValuePair<string, object?>("kind", RevocationKindNames.Of(kind)),
            new KeyValuePair<string, object?>("source", source));

    public void Rejected(string path) => _rejections.Add(1, new KeyValuePair<string, object?>("path", path));

    public void Unconfirmed() => Interlocked.Increment(ref _unconfirmedCount);

    public void StaleReplicaAnswer() => _staleReplicaAnswers.Add(1);

    public void Dropped(int count)
    {
        if (count > 0)
        {
            _dropped.Add(count);
        }
    }
}
