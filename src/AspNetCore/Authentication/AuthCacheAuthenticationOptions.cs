using Microsoft.AspNetCore.Authentication;

namespace AuthCache.AspNetCore.Authentication;

public sealed class AuthCacheAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The configuration key of <see cref="GrainCallTimeout"/>.</summary>
    public const string GrainCallTimeoutKey = "AuthCache:GrainCallTimeout";

    /// <summary>The longest <see cref="GrainCallTimeout"/> accepted: past it the fallback would come too late to help.</summary>
    public static readonly TimeSpan MaxGrainCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A grain call slower than this is abandoned and the token is validated directly in this process, so the
    /// cache never makes authentication slower or less available than doing without it
    /// (<c>AuthCache:GrainCallTimeout</c>, default 2 s).
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Claim type used for <c>ClaimsIdentity.Name</c>.</summary>
    public string NameClaimType { get; set; } = "sub";

    /// <summary>Claim type used for role checks (<c>IsInRole</c>, <c>RequireRole</c>).</summary>
    public string RoleClaimType { get; set; } = "role";
}
