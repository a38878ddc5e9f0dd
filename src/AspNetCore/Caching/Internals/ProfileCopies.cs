using System.Collections.Concurrent;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Caching.Internals;

/// <summary>
/// The profile each user's latest near-cache copy carried, for as long as that copy may live, so an answer this host
/// gives itself (a hedge, a fallback) names the same profile the grain would have, instead of none. A profile copy
/// answers to the same invalidations as the token copies of <see cref="TokenNearCache"/>, its user's profile eviction
/// included, and is bounded by <see cref="NearCacheOptions.MaxEntries"/> too.
/// </summary>
internal sealed class ProfileCopies : IRevocationReplicaListener, IDisposable
{
    private readonly ConcurrentDictionary<UserKey, ProfileCopy> _profiles = new();
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly AuthCacheClock _clock;
    private readonly IDisposable? _optionsChange;
    private readonly IDisposable _replicaChange;
    private long _generation;
    private long _version;

    public ProfileCopies(IOptionsMonitor<AuthCacheOptions> options, AuthCacheClock clock, RevocationReplica revocations)
    {
        _options = options;
        _clock = clock;
        _optionsChange = options.OnChange(_ => Invalidate());
        _replicaChange = revocations.Subscribe(this);
    }

    /// <summary>
    /// Advances with every invalidation and profile eviction; read before asking a grain, handed to <see cref="Add"/>.
    /// </summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _profiles.Count;

    /// <summary>
    /// Keeps the answer's profile as its user's until <paramref name="until"/> (that of the token copy carrying it),
    /// unless an invalidation or a profile eviction came after <paramref name="version"/> was read.
    /// </summary>
    public void Add(TokenValidationOutcome answer, DateTimeOffset until, long version)
    {
        var generation = Interlocked.Read(ref _generation);
        if (answer.Profile is not { } profile || answer.Issuer is null || answer.Subject is null || version != Version)
        {
            return;
        }

        var key = new UserKey(answer.Issuer, answer.Subject);
        if (_profiles.Count >= _options.CurrentValue.NearCache.MaxEntries && !_profiles.ContainsKey(key))
        {
            return;
        }

        var copy = new ProfileCopy(profile, until, generation);
        _profiles[key] = copy;

        // An eviction between the check above and the insert has not seen this copy.
        if (version != Version)
        {
            _profiles.TryRemove(new KeyValuePair<UserKey, ProfileCopy>(key, copy));
        }
    }

    /// <summary>
    /// <paramref name="answer"/> with the profile of its user's latest copy, when the answer has none and a current
    /// one is held: an answer validated here names the profile its grain would have.
    /// </summary>
    public TokenValidationOutcome WithHeldProfile(TokenValidationOutcome answer)
    {
        if (!answer.IsValid || answer.Profile is not null || answer.Issuer is null || answer.Subject is null
            || !_profiles.TryGetValue(new UserKey(answer.Issuer, answer.Subject), out var copy))
        {
            return answer;
        }

        return copy.Generation == Interlocked.Read(ref _generation) && _clock.UtcNow < copy.Until
            ? answer with { Profile = copy.Profile }
            : answer;
    }

    /// <summary>Drops every profile copy; copies of answers obtained before this call are refused.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Increment(ref _generation);
        _profiles.Clear();
    }

    /// <summary>Drops the profile copies that have expired or were invalidated.</summary>
    public void SweepExpired(DateTimeOffset now)
    {
        var generation = Interlocked.Read(ref _generation);
        RemoveWhere((_, copy) => now >= copy.Until || copy.Generation != generation);
    }

    public ValueTask<int> OnReplicaChangedAsync(ReplicaChange change)
    {
        switch (change)
        {
            case InvalidationReceived { Invalidation: CacheCleared { Scope: CacheEvictionScope.Expired } }:
                SweepExpired(_clock.UtcNow);
                break;
            case InvalidationReceived { Invalidation: ProfileEvicted evicted }:
                Interlocked.Increment(ref _version);
                RemoveWhere((user, _) => evicted.EvictsProfileOf(user.Issuer, user.Subject));
                break;
            case InvalidationReceived or ReplicaResynchronised:
                Invalidate();
                break;
        }

        return ValueTask.FromResult(0);
    }

    public void Dispose()
    {
        _optionsChange?.Dispose();
        _replicaChange.Dispose();
    }

    private void RemoveWhere(Func<UserKey, ProfileCopy, bool> match)
    {
        foreach (var (user, copy) in _profiles)
        {
            if (match(user, copy))
            {
                _profiles.TryRemove(new KeyValuePair<UserKey, ProfileCopy>(user, copy));
            }
        }
    }

    private readonly record struct UserKey(string Issuer, string Subject);

    private sealed record ProfileCopy(UserProfile Profile, DateTimeOffset Until, long Generation);
}
