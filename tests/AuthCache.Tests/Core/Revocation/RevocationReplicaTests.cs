using AuthCache.Core;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Core.Revocation;

/// <summary>A process's copy of the revocation list on its own: what it rejects, whom it tells, when it is trusted.</summary>
public sealed class RevocationReplicaTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _wallTime = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly StaticOptionsMonitor<AuthCacheOptions> _options = new(new AuthCacheOptions());

    private static TokenValidationOutcome Valid(string sid) => new(
        true, null, "https://issuer.example", "user_1", [new TokenClaim("sub", "user_1", "s"), new TokenClaim("sid", sid, "s")], null, null, null, false);

    [Fact]
    public async Task A_validation_not_yet_tracked_when_its_session_is_revoked_is_refused_on_its_next_hit()
    {
        var replica = TestReplica.Create(_options, _clock, _wallTime);
        using var index = new SiloValidationIndex(replica, _options, new AuthCacheClock(_clock), new RevocationMetrics(TestReplica.Meters), new CurrentIssuerRules(_options), NullLogger<SiloValidationIndex>.Instance);
        var watch = index.Watch("hash-1", Valid("sess_1"));
        Assert.False(watch.IsRevoked());

        // The race no drop can cover: the revocation arrives after the grain checked, before it tracked the validation.
        var (learned, dropped) = await replica.LearnAsync([new RevocationRecord(RevocationKind.Session, "sess_1", _clock.GetUtcNow(), "https://issuer.example")]);

        Assert.Single(learned);
        Assert.Equal(0, dropped);
        Assert.True(watch.IsRevoked());
    }

    [Fact]
    public async Task Listeners_hear_of_each_new_revocation_once_and_no_more_after_unsubscribing()
    {
        var replica = TestReplica.Create(_options, _clock, _wallTime);
        var heard = new List<ReplicaChange>();
        var subscription = replica.Subscribe(new Listener(heard));
        var record = new RevocationRecord(RevocationKind.Subject, "user_1", _clock.GetUtcNow(), "https://issuer.example");

        await replica.LearnAsync([record]);
        await replica.LearnAsync([record]);
        subscription.Dispose();
        await replica.ApplyAsync(new CacheCleared(CacheEvictionScope.All));

        var learned = Assert.IsType<RevocationsLearned>(Assert.Single(heard));
        Assert.Equal(record, Assert.Single(learned.Records));
    }

    [Fact]
    public void A_copy_is_current_only_within_the_trust_window_of_its_last_synchronisation_and_not_after_a_gap()
    {
        var replica = TestReplica.Create(_options, _clock, _wallTime, synchronised: false);
        Assert.False(replica.IsCurrent);
        Assert.False(replica.Ready.IsCompleted);

        replica.MarkSynchronised(_wallTime.GetTimestamp());
        Assert.True(replica.IsCurrent);
        Assert.True(replica.Ready.IsCompletedSuccessfully);
        _wallTime.Advance(RevocationReplica.TrustWindow);
        Assert.False(replica.IsCurrent);

        replica.MarkSynchronised(_wallTime.GetTimestamp());
        replica.MarkBehind();
        Assert.False(replica.IsCurrent);
    }

    [Fact]
    public void A_synchronisation_older_than_one_already_applied_does_not_shorten_the_trust()
    {
        var replica = TestReplica.Create(_options, _clock, _wallTime, synchronised: false);
        var older = _wallTime.GetTimestamp();
        _wallTime.Advance(TimeSpan.FromSeconds(5));
        replica.MarkSynchronised(_wallTime.GetTimestamp());
        replica.MarkSynchronised(older);

        _wallTime.Advance(RevocationReplica.TrustWindow - TimeSpan.FromSeconds(1));
        Assert.True(replica.IsCurrent);
    }

    [Fact]
    public async Task Replacing_a_copy_with_the_whole_list_drops_what_the_list_no_longer_has_unless_it_is_kept_to_be_given_back()
    {
        var replica = TestReplica.Create(_options, _clock, _wallTime);
        var heard = new List<ReplicaChange>();
        using var listening = replica.Subscribe(new Listener(heard));
        RevocationRecord Session(string sid) => new(RevocationKind.Session, sid, _clock.GetUtcNow(), "https://issuer.example");
        var (dropped, lost, listed) = (Session("sess_dropped"), Session("sess_lost"), Session("sess_listed"));
        await replica.LearnAsync([dropped, lost]);
        heard.Clear();

        var (learned, kept) = await replica.ReplaceAsync([listed], r => r == lost);

        Assert.Equal([listed], learned);
        Assert.Equal([lost], kept);
        Assert.True(replica.Contains(listed));
        Assert.True(replica.Contains(lost));
        Assert.False(replica.Contains(dropped));
        Assert.Equal([listed], Assert.IsType<RevocationsLearned>(Assert.Single(heard)).Records);
    }

    private sealed class Listener(List<ReplicaChange> heard) : IRevocationReplicaListener
    {
        public ValueTask<int> OnReplicaChangedAsync(ReplicaChange change)
        {
            heard.Add(change);
            return ValueTask.FromResult(0);
        }
    }
}
