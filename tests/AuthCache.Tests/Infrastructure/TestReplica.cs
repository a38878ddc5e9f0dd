using System.Diagnostics.Metrics;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// A real <see cref="RevocationReplica"/> outside any cluster, for unit tests of what uses it: revocation times follow
/// <c>clock</c> (the cache's clock), its trust window follows <c>wallTime</c> (real time in production).
/// </summary>
internal static class TestReplica
{
    public static IMeterFactory Meters { get; } = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static RevocationReplica Create(StaticOptionsMonitor<AuthCacheOptions> options, FakeTimeProvider clock, FakeTimeProvider wallTime, bool synchronised = true)
    {
        var replica = new RevocationReplica(options, new AuthCacheClock(clock), wallTime, Meters, NullLogger<RevocationReplica>.Instance);
        if (synchronised)
        {
            replica.MarkSynchronised(wallTime.GetTimestamp());
        }

        return replica;
    }
}
