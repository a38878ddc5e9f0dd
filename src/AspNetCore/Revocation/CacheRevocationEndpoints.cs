using AuthCache.AspNetCore.Admin;
using AuthCache.AspNetCore.Endpoints;
using AuthCache.Core.Options;
using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AuthCache.AspNetCore.Revocation;

internal static class CacheRevocationEndpoints
{
    public const string Route = CacheAdminEndpoints.DefaultPrefix + RelativeRoute;

    private const string RelativeRoute = "/revoke";

    /// <summary>Admin parameters are a few short identifiers: anything longer is not a revocation request.</summary>
    private const int MaxFormBytes = 16 * 1024;

    /// <summary>
    /// <c>POST {prefix}/revoke</c>; see <see cref="AuthCacheEndpointRouteBuilderExtensions.MapCacheRevocation"/>.
    /// </summary>
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        AdminAuthorizationResultHandler.RequireRegistered(endpoints.ServiceProvider);
        return endpoints.MapPost(prefix + RelativeRoute, RevokeAsync)
            .RequireAuthorization(AuthCacheDefaults.AdminPolicy)
            .WithTags("AuthCache")
            .WithName("AuthCacheRevoke")
            .WithSummary(
                "Revokes a session (sid), a subject (sub) or one token (tokenHash) across the cluster: every silo and "
                    + "every API host refuses it by the time the call answers 200.")
            .Produces<RevocationResponse>()
            .Produces<RevocationResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> RevokeAsync(
        HttpContext context,
        Revoker revoker,
        IOptionsMonitor<AuthCacheOptions> options)
    {
        var actor = RevocationActor.From(context.User);
        var (parameters, bodyProblem) = await ReadParametersAsync(context);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        var (target, reason) = RevocationRequest.Parse(parameters, options.CurrentValue);
        if (target is null)
        {
            revoker.Refused(actor, Revoker.AdminSource, reason!);
            return ReasonProblem.Create(
                StatusCodes.Status400BadRequest,
                reason!,
                "The revocation request is not valid: give exactly one of sid, sub or tokenHash, and the issuer (one "
                    + "of AuthCache:Issuers) unless only one is trusted.");
        }

        var outcome = await revoker.RevokeAsync(target, actor, Revoker.AdminSource);
        if (outcome is null)
        {
            return ReasonProblem.Create(
                StatusCodes.Status503ServiceUnavailable,
                "revocation_unavailable",
                "The cluster could not record the revocation; nothing was revoked. Retry.");
        }

        var body = RevocationResponse.From(outcome, options.CurrentValue);
        if (!outcome.Persisted)
        {
            return ReasonProblem.Create(
                StatusCodes.Status503ServiceUnavailable,
                "revocation_not_persisted",
                "The revocation is applied on every silo but could not be persisted, so it would not survive a "
                    + "restart. Retry.",
                new Dictionary<string, object?> { ["revocation"] = body });
        }

        return outcome.Confirmed ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<(
        List<KeyValuePair<string, StringValues>> Parameters,
        IResult? Problem)> ReadParametersAsync(HttpContext context)
    {
        var request = context.Request;
        var parameters = new List<KeyValuePair<string, StringValues>>(request.Query);
        if (request.ContentType is null)
        {
            return (parameters, null);
        }

        if (!request.HasFormContentType)
        {
            return (
                parameters,
                ReasonProblem.Create(
                    StatusCodes.Status415UnsupportedMediaType,
                    "unsupported_content_type",
                    "Send the parameters in the query string or as a form."));
        }

        if (request.ContentLength > MaxFormBytes)
        {
            return (parameters, TooLarge());
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxFormBytes;
        }

        try
        {
            parameters.AddRange(await request.ReadFormAsync(context.RequestAborted));
            return (parameters, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (parameters, TooLarge());
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return (
                parameters,
                ReasonProblem.Create(
                    StatusCodes.Status400BadRequest,
                    "malformed_body",
                    "The form body could not be read."));
        }
    }

    private static IResult TooLarge() =>
        ReasonProblem.Create(
            StatusCodes.Status413PayloadTooLarge,
            "payload_too_large",
            $"A revocation request is at most {MaxFormBytes} bytes.");
}
