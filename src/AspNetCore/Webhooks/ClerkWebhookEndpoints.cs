using AuthCache.AspNetCore.Endpoints;
using AuthCache.AspNetCore.Revocation;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Webhooks;

internal static partial class ClerkWebhookEndpoints
{
    public const string Route = "/api/v1/webhooks/clerk";

    /// <summary>
    /// Clerk's events are a few kilobytes; a quarter of a megabyte leaves room without buffering floods.
    /// </summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>
    /// A message id is remembered while its timestamp could still pass: the tolerance on either side.
    /// </summary>
    public static readonly TimeSpan ReplayWindow = SvixSignatureVerifier.Tolerance * 2;

    /// <summary>
    /// <c>POST {pattern}</c>; see <see cref="AuthCacheEndpointRouteBuilderExtensions.MapClerkWebhooks"/>.
    /// </summary>
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapPost(pattern, ReceiveAsync)
            .AddEndpointFilterFactory((endpoint, next) =>
            {
                // One bound for the host, however many times the endpoint is mapped.
                var concurrency = endpoint.ApplicationServices.GetRequiredService<ClerkWebhookConcurrency>();
                return invocation => concurrency.InvokeAsync(invocation, next);
            })
            .AllowAnonymous()
            .WithTags("AuthCache")
            .WithName("AuthCacheClerkWebhook")
            .WithSummary(
                "Receives Clerk's webhooks (Svix-signed): session and user events revoke sessions and subjects across "
                    + "the cluster; user updates evict cached profiles.")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReceiveAsync(
        HttpContext context,
        IOptionsMonitor<ClerkWebhookOptions> options,
        IOptionsMonitor<AuthCacheOptions> cacheOptions,
        AuthCacheClock clock,
        IGrainFactory grainFactory,
        Revoker revoker,
        ClerkWebhookMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(ClerkWebhookEndpoints));
        if (!SvixSignatureVerifier.TryCreate(options.CurrentValue.ClerkSigningSecret, out var verifier))
        {
            LogNotConfigured(logger);
            return Refuse(
                logger,
                StatusCodes.Status404NotFound,
                "webhook_not_configured",
                "No Clerk webhook signing secret is configured.");
        }

        var body = await BoundedRequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return Refuse(
                logger,
                StatusCodes.Status413PayloadTooLarge,
                "payload_too_large",
                $"A webhook body is at most {MaxBodyBytes} bytes.");
        }

        var headers = context.Request.Headers;
        var messageId = headers[SvixSignatureVerifier.IdHeader].ToString();
        var verification = verifier.Verify(
            messageId,
            headers[SvixSignatureVerifier.TimestampHeader].ToString(),
            headers[SvixSignatureVerifier.SignatureHeader].ToString(),
            body,
            clock.UtcNow);
        if (!verification.Verified)
        {
            metrics.VerificationFailed(verification.Reason!);
            return Refuse(
                logger,
                verification.StatusCode,
                verification.Reason!,
                "The webhook signature could not be verified.");
        }

        var webhookEvent = ClerkWebhookEvent.Parse(body);
        var kind = webhookEvent?.Revokes;

        // A user event names a user: its id passes the rules of a subject.
        if (webhookEvent is null
            || (
                webhookEvent.IsActedOn
                && RevocationTargetRules.Check(kind ?? RevocationKind.Subject, webhookEvent.DataId) is not null))
        {
            return Refuse(
                logger,
                StatusCodes.Status400BadRequest,
                ClerkWebhookEvent.MalformedPayload,
                "The webhook body is not a Clerk event with a usable data.id.");
        }

        var message = grainFactory.GetGrain<IWebhookMessageGrain>("clerk/" + messageId);
        try
        {
            if (!await message.TryAcceptAsync(ReplayWindow))
            {
                return Refuse(
                    logger,
                    StatusCodes.Status409Conflict,
                    "replayed_message",
                    "This webhook message was already received.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnavailable(logger, ex.GetType().Name);
            return ReasonProblem.Create(
                StatusCodes.Status503ServiceUnavailable,
                "webhook_unavailable",
                "The cluster could not take the webhook; retry.");
        }

        if (!webhookEvent.IsActedOn)
        {
            LogIgnored(logger, webhookEvent.Type);
            return Results.Ok(new { status = "ignored", type = webhookEvent.Type });
        }

        // A configured secret has a trusted issuer: the options are validated at start.
        var issuer = options.CurrentValue.Issuer!;
        var dataId = webhookEvent.DataId!;
        RevocationResponse? revocation = null;
        if (kind is { } revocationKind)
        {
            var outcome = await revoker.RevokeAsync(
                new RevocationTarget(revocationKind, dataId, issuer),
                RevocationActor.ClerkWebhook,
                Revoker.ClerkWebhookSource);
            if (outcome is not { Persisted: true })
            {
                // Svix retries failed deliveries: forget the message id so the retry is not taken for a replay.
                await AbandonAsync(message, logger);
                return ReasonProblem.Create(
                    StatusCodes.Status503ServiceUnavailable,
                    "revocation_unavailable",
                    "The revocation could not be recorded durably; retry.");
            }

            revocation = RevocationResponse.From(outcome, cacheOptions.CurrentValue);
        }

        ProfileEvictionResponse? eviction = null;
        if (webhookEvent.EvictsProfile)
        {
            try
            {
                var evicted = await grainFactory.GetGrain<ICacheAdminGrain>(0).EvictProfileAsync(issuer, dataId);
                LogProfileEvicted(
                    logger,
                    webhookEvent.Type,
                    dataId,
                    issuer,
                    evicted.ProfileDropped,
                    evicted.Silos,
                    evicted.UnreachableSilos.Count);
                eviction = ProfileEvictionResponse.From(issuer, dataId, evicted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUnavailable(logger, ex.GetType().Name);
                await AbandonAsync(message, logger);
                return ReasonProblem.Create(
                    StatusCodes.Status503ServiceUnavailable,
                    "eviction_unavailable",
                    "The cached profile could not be evicted; retry.");
            }
        }

        return (revocation, eviction) switch
        {
            (null, _) => Results.Ok(new { status = "evicted", type = webhookEvent.Type, eviction }),
            (_, null) => Results.Ok(new { status = "revoked", type = webhookEvent.Type, revocation }),
            _ => Results.Ok(new { status = "revoked", type = webhookEvent.Type, revocation, eviction }),
        };
    }

    private static IResult Refuse(ILogger logger, int statusCode, string reason, string title)
    {
        LogRefused(logger, statusCode, reason);
        return ReasonProblem.Create(statusCode, reason, title);
    }

    private static async Task AbandonAsync(IWebhookMessageGrain message, ILogger logger)
    {
        try
        {
            await message.AbandonAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnavailable(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(
        EventId = 3301,
        Level = LogLevel.Warning,
        Message = "A Clerk webhook delivery was refused with {StatusCode} ({Reason}).")]
    private static partial void LogRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(
        EventId = 3302,
        Level = LogLevel.Information,
        Message = "A verified Clerk webhook event of type {EventType} was acknowledged and ignored.")]
    private static partial void LogIgnored(ILogger logger, string eventType);

    [LoggerMessage(
        EventId = 3303,
        Level = LogLevel.Warning,
        Message = "A Clerk webhook arrived but no signing secret is configured (AuthCache:Webhooks:ClerkSigningSecret "
            + "or CLERK_WEBHOOK_SECRET).")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(
        EventId = 3304,
        Level = LogLevel.Warning,
        Message = "A verified Clerk webhook could not be processed ({ErrorType}); the sender will retry.")]
    private static partial void LogUnavailable(ILogger logger, string errorType);

    [LoggerMessage(
        EventId = 3305,
        Level = LogLevel.Information,
        Message = "A Clerk {EventType} webhook evicted the cached profile of {Subject} of {Issuer}: held {Dropped}, "
            + "noted by {Silos} silo(s), {Unreachable} unreachable.")]
    private static partial void LogProfileEvicted(
        ILogger logger,
        string eventType,
        string subject,
        string issuer,
        bool dropped,
        int silos,
        int unreachable);
}
