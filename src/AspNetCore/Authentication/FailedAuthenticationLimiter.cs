using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// A fixed-window limit on rejected tokens per client address (System.Threading.RateLimiting, the limiter
/// behind ASP.NET Core's rate limiting). Only failures consume permits, so a valid token is never slowed or
/// refused by it, however much garbage its address sent. Behind a proxy, enable forwarded headers so the
/// address is the client's.
/// </summary>
internal sealed class FailedAuthenticationLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public FailedAuthenticationLimiter(IOptions<FailedAuthenticationLimitOptions> options)
    {
        var settings = options.Value;
        Window = settings.Window;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(
            address,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PermitLimit,
                Window = settings.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public TimeSpan Window { get; }

    /// <summary>Records one rejected token; false once the address has used up its failures for the window.</summary>
    public bool TryRecordFailure(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(address ?? IPAddress.None);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
