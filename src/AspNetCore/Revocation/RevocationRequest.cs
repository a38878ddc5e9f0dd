using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Primitives;

namespace AuthCache.AspNetCore.Revocation;

/// <summary>
/// The parameters of <c>POST /api/v1/cache/revoke</c> (query string and/or form): exactly one of <c>sid</c>,
/// <c>sub</c> or <c>tokenHash</c>, once, with a value that passes <see cref="RevocationTargetRules"/>.
/// </summary>
public static class RevocationRequest
{
    public const string MissingTarget = "missing_target";
    public const string MultipleTargets = "multiple_targets";

    private static readonly (string Name, RevocationKind Kind)[] Parameters =
    [
        (RevocationKindNames.Session, RevocationKind.Session),
        (RevocationKindNames.Subject, RevocationKind.Subject),
        (RevocationKindNames.TokenHash, RevocationKind.TokenHash),
    ];

    /// <summary>The target, or the reason code that refuses the request.</summary>
    public static (RevocationTarget? Target, string? Reason) Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        RevocationKind? kind = null;
        string? value = null;
        var count = 0;
        foreach (var (name, values) in parameters)
        {
            foreach (var (parameter, parameterKind) in Parameters)
            {
                if (string.Equals(name, parameter, StringComparison.OrdinalIgnoreCase))
                {
                    count += Math.Max(values.Count, 1);
                    kind = parameterKind;
                    value = values.Count == 1 ? values[0] : null;
                }
            }
        }

        if (count == 0)
        {
            return (null, MissingTarget);
        }

        if (count > 1)
        {
            return (null, MultipleTargets);
        }

        var reason = RevocationTargetRules.Check(kind!.Value, value);
        return reason is null ? (new RevocationTarget(kind.Value, value!), null) : (null, reason);
    }
}
