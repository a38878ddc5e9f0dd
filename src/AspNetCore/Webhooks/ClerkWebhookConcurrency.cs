using System.Globalization;
using System.Threading.RateLimiting;
using AuthCache.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuthCache.AspNetCore.Webhooks;

/// <summary>
/// Bounds how many Clerk webhook deliveries the endpoint processes at once
/// (<see cref="ClerkWebhookOptions.MaxConcurrency"/>), queueing the next ones oldest first up to
/// <see cref="ClerkWebhookOptions.QueueLimit"/>, with System.Threading.RateLimiting's <see cref="ConcurrencyLimiter"/>.
/// It is the endpoint's own filter rather than a policy of ASP.NET Core's rate limiting middleware, which binds nothing
/// unless the application also calls <c>UseRateLimiter()</c>: the bound must hold wherever the endpoint is mapped. A
/// delivery refused here has had nothing read, verified or recorded, so Svix's retry is a first delivery.
/// </summary>
internal sealed class ClerkWebhookConcurrency(IOptions<ClerkWebhookOptions> options, ClerkWebhookMetrics metrics)
    : IEndpointFilter,
        IDisposable
{
    public const string Busy = "webhook_busy";

    /// <summary>
    /// For senders that honour it (Svix schedules its own retries): at the thousands of revocations a second a host
    /// sustains, a full queue drains within it.
    /// </summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrency,
        QueueLimit = options.Value.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Deliveries being processed and waiting now.</summary>
    public RateLimiterStatistics? Statistics => _limiter.GetStatistics();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using var lease = await _limiter.AcquireAsync(1, context.HttpContext.RequestAborted);
        if (!lease.IsAcquired)
        {
            metrics.Deferred();
            context.HttpContext.Response.Headers[HeaderNames.RetryAfter] = ((int)RetryAfter.TotalSeconds).ToString(
                CultureInfo.InvariantCulture);
            return ReasonProblem.Create(
                StatusCodes.Status429TooManyRequests,
                Busy,
                "Too many webhook deliveries are waiting; retry later.");
        }

        return await next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
