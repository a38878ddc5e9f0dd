using System.Net;
using System.Text;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Http;
using AuthCache.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Jwks;

/// <summary>
/// Fetches an issuer's JWKS through the named, resilient <see cref="HttpClient"/>, or takes it from the
/// <see cref="IJwksSource"/> registered for that issuer in this process. Any failure (network, status, oversized or
/// invalid body, no usable key, <see cref="AuthCacheOptions.JwksFetchTimeout"/> passed) comes back as a failed result,
/// never as an exception, so the caller can keep its last-known-good keys. Only the caller's own cancellation throws.
/// </summary>
internal sealed partial class JwksFetcher(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<AuthCacheOptions> options,
    TimeProvider time,
    AuthCacheMetrics metrics,
    ILogger<JwksFetcher> logger,
    IEnumerable<IJwksSource> sources)
{
    public const string HttpClientName = "AuthCache.Jwks";
    public const int MaxBodyBytes = 1024 * 1024;

    private readonly Dictionary<string, IJwksSource> _sources = sources.ToDictionary(
        s => s.Issuer,
        StringComparer.Ordinal);

    /// <param name="issuer">The issuer whose keys are fetched, from its discovery document or its configured
    /// address.</param>
    /// <param name="discoveredJwksUri">
    /// The <c>jwks_uri</c> the last successful fetch discovered: used when the discovery document cannot be read or is
    /// refused this time, so an issuer whose discovery endpoint fails keeps serving keys from the address it gave.
    /// </param>
    /// <param name="cancellationToken">Abandons the fetch; <see cref="AuthCacheOptions.JwksFetchTimeout"/> bounds it
    /// anyway.</param>
    public async Task<JwksFetchResult> FetchAsync(
        IssuerOptions issuer,
        Uri? discoveredJwksUri = null,
        CancellationToken cancellationToken = default)
    {
        using var activity = AuthCacheActivities.Start(AuthCacheActivities.FetchJwksActivity);
        activity?.SetTag(AuthCacheActivities.IssuerTag, issuer.Issuer);
        var result = await FetchCoreAsync(issuer, discoveredJwksUri, cancellationToken);
        metrics.JwksFetched(issuer.Issuer, result.Succeeded);
        if (activity is not null)
        {
            activity.SetTag(AuthCacheActivities.KeyCountTag, result.Keys.Count);
            activity.SetOutcome(
                result.Succeeded ? AuthCacheActivities.Success : AuthCacheActivities.Failure,
                !result.Succeeded,
                result.Error);
        }

        if (result.Succeeded)
        {
            LogFetched(logger, issuer.Issuer, result.Keys.Count);
        }
        else
        {
            LogFetchFailed(logger, issuer.Issuer, result.Error!);
        }

        return result;
    }

    private async Task<JwksFetchResult> FetchCoreAsync(
        IssuerOptions issuer,
        Uri? discoveredJwksUri,
        CancellationToken cancellationToken)
    {
        if (_sources.TryGetValue(issuer.Issuer, out var source))
        {
            return Read(issuer, source.GetJwksDocument(), maxAge: null);
        }

        // The resilience pipeline's timeouts end when the headers arrive; this deadline also covers the bodies, and
        // discovery and the key set share it: one fetch of keys, however many exchanges it takes.
        using var deadline = BoundedHttpExchange.StartDeadline(
            options.CurrentValue.JwksFetchTimeout,
            time,
            cancellationToken);
        using var client = httpClientFactory.CreateClient(HttpClientName);
        Uri? discovered = null;
        if (issuer.ConfiguredJwksUri() is not { } uri)
        {
            var (found, error) = await DiscoverAsync(client, issuer, deadline.Token, cancellationToken);
            if (found is null && discoveredJwksUri is null)
            {
                return JwksFetchResult.Failed($"OpenID Connect discovery failed: {error}");
            }

            if (found is null)
            {
                LogDiscoveryFailed(logger, issuer.Issuer, error!, discoveredJwksUri!.ToString());
            }

            uri = discovered = found ?? discoveredJwksUri!;
        }

        if (issuer.RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            return JwksFetchResult.Failed("JWKS URI is not https");
        }

        var (body, maxAge, failure) = await GetAsync(client, uri, deadline.Token, cancellationToken);
        return body is null
            ? JwksFetchResult.Failed(failure!)
            : Read(issuer, Encoding.UTF8.GetString(body), maxAge) with { DiscoveredJwksUri = discovered };
    }

    /// <summary>The <c>jwks_uri</c> of the issuer's discovery document, or why there is none.</summary>
    private static async Task<(Uri? JwksUri, string? Error)> DiscoverAsync(
        HttpClient client,
        IssuerOptions issuer,
        CancellationToken deadline,
        CancellationToken cancellationToken)
    {
        var (body, _, failure) = await GetAsync(client, issuer.DiscoveryUri(), deadline, cancellationToken);
        if (body is null)
        {
            return (null, failure);
        }

        var jwksUri = DiscoveryDocumentReader.Read(Encoding.UTF8.GetString(body), issuer, out var error);
        return (jwksUri, error);
    }

    /// <summary>
    /// One bounded GET: the body with its <c>max-age</c>, or why there is none. Only the caller's own cancellation
    /// throws.
    /// </summary>
    private static async Task<(byte[]? Body, TimeSpan? MaxAge, string? Error)> GetAsync(
        HttpClient client,
        Uri uri,
        CancellationToken deadline,
        CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, null, $"HTTP {(int)response.StatusCode}");
            }

            var body = await BoundedHttpExchange.ReadBodyAsync(response.Content, MaxBodyBytes, deadline);
            return body is null
                ? (null, null, "response larger than 1 MB")
                : (body, response.Headers.CacheControl?.MaxAge, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, null, "timed out");
        }
        catch (Exception ex)
            when (ex is HttpRequestException or Polly.ExecutionRejectedException or IOException or TimeoutException)
        {
            return (null, null, ex switch
            {
                Polly.CircuitBreaker.BrokenCircuitException => "circuit open after repeated failures",
                Polly.Timeout.TimeoutRejectedException => "timed out",
                HttpRequestException { HttpRequestError: var error } => $"connection failed ({error})",
                _ => ex.GetType().Name,
            });
        }
    }

    private JwksFetchResult Read(IssuerOptions issuer, string document, TimeSpan? maxAge)
    {
        IReadOnlyList<GrainInterfaces.SigningKeyMaterial> keys;
        IReadOnlyList<string> skipped;
        try
        {
            keys = JwksDocumentParser.Parse(document, out skipped);
        }
        catch (ArgumentException)
        {
            return JwksFetchResult.Failed("response is not a JWKS document");
        }

        foreach (var reason in skipped)
        {
            LogKeySkipped(logger, issuer.Issuer, reason);
        }

        return keys.Count == 0
            ? JwksFetchResult.Failed("JWKS contains no usable signing key")
            : new JwksFetchResult(keys, maxAge, null);
    }

    [LoggerMessage(
        EventId = 1201,
        Level = LogLevel.Information,
        Message = "Fetched {KeyCount} signing key(s) of issuer {Issuer}.")]
    private static partial void LogFetched(ILogger logger, string issuer, int keyCount);

    [LoggerMessage(
        EventId = 1202,
        Level = LogLevel.Warning,
        Message = "Fetching the signing keys of issuer {Issuer} failed: {Error}.")]
    private static partial void LogFetchFailed(ILogger logger, string issuer, string error);

    [LoggerMessage(
        EventId = 2646,
        Level = LogLevel.Warning,
        Message = "The OpenID Connect discovery document of issuer {Issuer} was not usable ({Error}); fetching its "
            + "keys from the last discovered address {JwksUri}.")]
    private static partial void LogDiscoveryFailed(ILogger logger, string issuer, string error, string jwksUri);

    [LoggerMessage(
        EventId = 1203,
        Level = LogLevel.Warning,
        Message = "Skipped a signing key of issuer {Issuer}: {Reason}.")]
    private static partial void LogKeySkipped(ILogger logger, string issuer, string reason);
}
