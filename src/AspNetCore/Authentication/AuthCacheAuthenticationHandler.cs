using System.Text.Encodings.Web;
using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>The cached scheme: request cache, then the token's grain in the cluster.</summary>
public sealed class AuthCacheAuthenticationHandler(
    IOptionsMonitor<AuthCacheAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthCacheMetrics metrics)
    : TokenAuthenticationHandlerBase(options, logger, encoder, metrics)
{
    protected override ValueTask<TokenResolution> ResolveAsync(AuthCacheTokenResolver resolver, string token) =>
        resolver.ResolveAsync(token);
}
