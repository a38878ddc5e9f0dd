using System.Net;
using System.Net.Http.Headers;
using AuthCache.Core.Diagnostics;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Authentication;

/// <summary>
/// The failed-authentication limit on the real API host (embedded silo), from 127.0.0.1: refused tokens count on
/// every route, and an address over the limit costs no grain call and no signature check, while its tokens already in
/// the near cache still pass.
/// </summary>
public sealed class FailedAuthenticationLimitTests : IAsyncLifetime
{
    internal const int PermitLimit = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TestIssuer _issuer = null!;
    private ApiHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _host = await ApiHostInstance.StartAsync("Production", Settings(_issuer));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    internal static Dictionary<string, string?> Settings(TestIssuer issuer) => new()
    {
        ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
        ["AuthCache:Issuers:0:RequireHttps"] = "false",
        ["AuthCache:FailedAuthenticationLimit:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AuthCache:FailedAuthenticationLimit:Window"] = "00:10:00",
    };

    /// <summary>A token of the issuer whose signature is wrong: refused as <c>bad_signature</c>, by a grain, after a signature check.</summary>
    internal static string Forged(TestIssuer issuer)
    {
        var parts = issuer.CreateToken("user_forged_" + Guid.NewGuid().ToString("N")).Split('.');
        return parts[0] + "." + parts[1] + "." + parts[2][..^4] + "AAAA";
    }

    /// <summary>A valid token the host's near cache answers from (once its revocation copy is in sync).</summary>
    internal static async Task<string> CachedAsync(ApiHostInstance host, TestIssuer issuer, Func<HttpRequestMessage, HttpRequestMessage>? from = null)
    {
        var token = issuer.CreateToken("user_cached_" + Guid.NewGuid().ToString("N"));
        await Poll.UntilAsync(
            async () => await SourceAsync(host, token, from) == "NearCache",
            Patience,
            "the valid token answered from the near cache");
        return token;
    }

    internal static async Task<string?> SourceAsync(ApiHostInstance host, string token, Func<HttpRequestMessage, HttpRequestMessage>? from = null)
    {
        var response = await host.Http.SendAsync((from ?? (r => r))(Request(HttpMethod.Get, "/api/v1/me", token)));
        return response.StatusCode == HttpStatusCode.OK ? (await response.JsonAsync()).GetProperty("source").GetString() : response.StatusCode.ToString();
    }

    internal static HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task An_address_sending_refused_tokens_gets_429_and_only_its_tokens_already_in_the_near_cache_still_pass()
    {
        var cached = await CachedAsync(_host, _issuer);
        var forged = Forged(_issuer);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < PermitLimit + 3; i++)
        {
            statuses.Add((await _host.Http.GetAsync("/api/v1/me", forged)).StatusCode);
        }

        var limited = await _host.Http.GetAsync("/api/v1/me", forged);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, PermitLimit), statuses.Take(PermitLimit));
        Assert.All(statuses.Skip(PermitLimit), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("600", limited.Headers.RetryAfter?.ToString());
        Assert.Equal("NearCache", await SourceAsync(_host, cached));

        // A valid token the caches do not hold cannot be told from a forged one without the work the limit saves.
        Assert.Equal(nameof(HttpStatusCode.TooManyRequests), await SourceAsync(_host, _issuer.CreateToken("user_not_cached")));
    }

    [Fact]
    public async Task A_flood_of_forged_tokens_on_anonymous_routes_costs_no_grain_call_once_the_address_is_over_the_limit()
    {
        var cached = await CachedAsync(_host, _issuer);
        var metrics = _host.App.Services.GetRequiredService<AuthCacheMetrics>();
        var before = GrainCalls(metrics);
        var routes = new[] { (HttpMethod.Get, "/health/live"), (HttpMethod.Get, "/"), (HttpMethod.Post, "/api/v1/webhooks/clerk") };

        for (var i = 0; i < PermitLimit + 30; i++)
        {
            var (method, path) = routes[i % routes.Length];
            var response = await _host.Http.SendAsync(Request(method, path, Forged(_issuer)));

            // The routes answer as they do without a token; the token is refused all the same.
            Assert.True((int)response.StatusCode < 500, $"{method} {path} answered {response.StatusCode}");
        }

        // One grain call for each forged token within the limit (a hedge may let its grain finish after the answer),
        // none after it.
        await Poll.UntilAsync(() => Task.FromResult(GrainCalls(metrics) >= before + PermitLimit), Patience, "the grain calls of the tokens within the limit");
        Assert.Equal(before + PermitLimit, GrainCalls(metrics));
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync("/health/live", Forged(_issuer))).StatusCode);
        Assert.Equal("NearCache", await SourceAsync(_host, cached));
        Assert.Equal(nameof(HttpStatusCode.TooManyRequests), await SourceAsync(_host, Forged(_issuer)));
    }

    /// <summary>Calls the silo's token grains answered (from their cache or after validating), from the silo's own counters.</summary>
    internal static long GrainCalls(AuthCacheMetrics metrics)
    {
        var counters = metrics.Snapshot();
        return counters.TokenCacheHits + counters.TokenCacheMisses;
    }
}
