using Microsoft.AspNetCore.Http;

namespace AuthCache.AspNetCore.Endpoints;

/// <summary>
/// An <c>application/problem+json</c> answer carrying a machine-readable <c>reason</c> code, the way rejected tokens
/// carry theirs in <c>WWW-Authenticate</c>.
/// </summary>
internal static class ReasonProblem
{
    public static IResult Create(
        int statusCode,
        string reason,
        string title,
        IDictionary<string, object?>? extensions = null)
    {
        var fields = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>())
        {
            ["reason"] = reason,
        };
        return Results.Problem(statusCode: statusCode, title: title, extensions: fields);
    }
}
