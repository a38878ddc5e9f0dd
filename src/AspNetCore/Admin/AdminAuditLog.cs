using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthCache.AspNetCore.Admin;

/// <summary>
/// The audit trail of admin actions: who (<c>admin-key</c>, or the admin token's <c>sub@iss</c>), what, and the
/// outcome, under stable event ids so log pipelines can route them. Never a key, a token or a password.
/// </summary>
internal sealed partial class AdminAuditLog(ILogger<AdminAuditLog> logger)
{
    public const int ActionEventId = 6001;
    public const int DeniedEventId = 6002;

    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";

    private const int MaxPathLength = 200;

    public void Performed(HttpContext context, string action, string outcome, string detail = "") =>
        LogAction(logger, Actor(context.User), action, outcome, detail);

    /// <param name="context">The refused request, whose caller and route are logged.</param>
    /// <param name="outcome"><see cref="Unauthenticated"/>, <see cref="Forbidden"/>, or the reason code of a refused
    /// cross-site request.</param>
    public void Denied(HttpContext context, string outcome)
    {
        var path = context.Request.Path.Value ?? "";
        var action = context.Request.Method + " " + (path.Length > MaxPathLength ? path[..MaxPathLength] : path);
        LogDenied(logger, Actor(context.User), action, outcome);
    }

    private static string Actor(ClaimsPrincipal user)
    {
        if (AdminKeyAuthenticationHandler.IsAdminKey(user))
        {
            return AdminKeyAuthenticationHandler.AdminKeyActor;
        }

        // A subject is unique only within its issuer.
        return AdminTokenClaims.Subject(user) is { Value.Length: > 0 } subject
            ? subject.Value + "@" + subject.Issuer
            : "anonymous";
    }

    [LoggerMessage(EventId = ActionEventId, EventName = "AdminAction", Level = LogLevel.Information,
        Message = "Admin action {Action} by {Actor}: {Outcome} {Detail}")]
    private static partial void LogAction(ILogger logger, string actor, string action, string outcome, string detail);

    [LoggerMessage(EventId = DeniedEventId, EventName = "AdminDenied", Level = LogLevel.Warning,
        Message = "Admin action {Action} denied to {Actor}: {Outcome}")]
    private static partial void LogDenied(ILogger logger, string actor, string action, string outcome);
}
