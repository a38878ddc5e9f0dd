using System.Text.Encodings.Web;
using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.AspNetCore.Authentication;

/// <summary>The direct ("legacy") scheme: same rules, every token validated in this process.</summary>
public sealed class DirectAuthenticationHandler(
    IOptionsMonitor<AuthCacheAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthCacheMetrics metrics)
    : TokenAuthenticationHandlerBase(options, logger, encoder, metrics)
{
    protected override ValueTask<TokenResolution> ResolveAsync(AuthCacheTokenResolver resolver, string token) =>
        resolver.ResolveDirectAsync(token);
}
