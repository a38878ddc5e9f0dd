using Microsoft.AspNetCore.Authentication;

namespace AuthCache.AspNetCore.Authentication;

public sealed class AuthCacheAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// A grain call slower than this is abandoned and the token is validated directly in this process, so the
    /// cache never makes authentication slower or less available than doing without it.
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Claim type used for <c>ClaimsIdentity.Name</c>.</summary>
    public string NameClaimType { get; set; } = "sub";

    /// <summary>Claim type used for role checks (<c>IsInRole</c>, <c>RequireRole</c>).</summary>
    public string RoleClaimType { get; set; } = "role";
}
