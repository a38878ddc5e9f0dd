using Microsoft.AspNetCore.Authentication;

namespace AuthCache.AspNetCore.Authentication;

public sealed class AuthCacheAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The configuration key of <see cref="GrainCallTimeout"/>.</summary>
    public const string GrainCallTimeoutKey = "AuthCache:GrainCallTimeout";

    /// <summary>The configuration key of <see cref="FallbackAfter"/>.</summary>
    public const string FallbackAfterKey = "AuthCache:FallbackAfter";

    /// <summary>The longest <see cref="GrainCallTimeout"/> accepted: past it the fallback would come too late to help.</summary>
    public static readonly TimeSpan MaxGrainCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A grain call slower than this is abandoned and the token is validated directly in this process, so the
    /// cache never makes authentication slower or less available than doing without it
    /// (<c>AuthCache:GrainCallTimeout</c>, default 2 s).
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a request waits for its token's grain before this process validates the token itself with the
    /// signing keys it holds (<c>AuthCache:FallbackAfter</c>, default 250 ms, at most <see cref="GrainCallTimeout"/>),
    /// so a dead or slow silo costs a request this much, not the whole <see cref="GrainCallTimeout"/>. The grain's
    /// answer, if it comes within <see cref="GrainCallTimeout"/>, still fills the caches.
    /// </summary>
    public TimeSpan FallbackAfter { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Claim type used for <c>ClaimsIdentity.Name</c>.</summary>
    public string NameClaimType { get; set; } = "sub";

    /// <summary>Claim type used for role checks (<c>IsInRole</c>, <c>RequireRole</c>).</summary>
    public string RoleClaimType { get; set; } = "role";
}
