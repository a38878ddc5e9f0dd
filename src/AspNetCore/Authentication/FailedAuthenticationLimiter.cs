using System.Net;
using System.Threading.RateLimiting;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>
/// A fixed-window limit on refused tokens per client address (System.Threading.RateLimiting, the limiter behind
/// ASP.NET Core's rate limiting). The resolver counts every token it refuses, on every route (anonymous ones too:
/// authentication runs wherever a token is sent), and once an address has used up its failures for the window the
/// resolver refuses that address's tokens before any grain call or signature check, unless the request or near cache
/// already holds the answer. Only failures consume permits, so a valid token in the caches is never slowed or refused
/// by it. Behind a proxy, forwarded headers (from known proxies only) make the address the client's.
/// </summary>
internal sealed class FailedAuthenticationLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public FailedAuthenticationLimiter(IOptions<FailedAuthenticationLimitOptions> options)
    {
        var settings = options.Value;
        Window = settings.Window;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
            RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PermitLimit,
                Window = settings.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public TimeSpan Window { get; }

    /// <summary>True once the address has used up its failures for the window; uses none.</summary>
    public bool IsLimited(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(address ?? IPAddress.None, permitCount: 0);
        return !lease.IsAcquired;
    }

    /// <summary>
    /// Counts one refused token of the address, unless the refusal is not the caller's doing (the issuer's keys
    /// unavailable) or is the limit's own.
    /// </summary>
    public void RecordRefusal(IPAddress? address, string? reason)
    {
        if (reason is AuthFailureReason.KeysUnavailable or AuthFailureReason.TooManyFailures)
        {
            return;
        }

        using var lease = _limiter.AttemptAcquire(address ?? IPAddress.None);
    }

    public void Dispose() => _limiter.Dispose();
}
