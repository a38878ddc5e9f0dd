using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using AuthCache.ClusterTests.Infrastructure;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.ClusterTests;

/// <summary>
/// deploy/prometheus's alert rules and deploy/grafana's dashboard against a real Prometheus (Debian's package) that
/// scrapes real processes: a silo, an API host with an embedded silo (both in one Redis cluster), and a client-mode
/// API host whose cluster does not exist, so that it falls back. The processes are driven through every path whose
/// metric the rules or panels name.
/// </summary>
public sealed class PrometheusMonitoringTests : IAsyncLifetime
{
    private const string Namespace = "authcache-test";

    /// <summary>
    /// Named by the rules and panels, exported by processes that are not AuthCache's: kube-state-metrics (the
    /// silo Deployment's replicas, which AuthCacheSilosMissing compares with).
    /// </summary>
    private static readonly HashSet<string> ExportedElsewhere = ["kube_deployment_spec_replicas"];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly string _webhookSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private LocalCluster _cluster = null!;
    private NodeProcess _silo = null!;
    private NodeProcess _embeddedApiHost = null!;
    private NodeProcess _fallingBackApiHost = null!;
    private PrometheusServer _prometheus = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync(silos: 0, apiHosts: 0);
        var issuer = _cluster.Issuer;

        // Profiles from the test issuer's user API; a bound of one cached token per silo, so tokens are left uncached.
        var cache = new Dictionary<string, string>
        {
            ["AuthCache__UserProfiles__BaseUrl"] = issuer.BaseUrl,
            ["AuthCache__UserProfiles__SecretKey"] = TestIssuer.ClerkSecretKey,
            ["AuthCache__MaxCachedTokens"] = "1",
            ["AuthCache__GrainCallTimeout"] = "00:00:10",
        };
        _silo = await _cluster.StartSiloAsync(cache);
        _embeddedApiHost = await _cluster.StartApiHostAsync(settings: new Dictionary<string, string>(cache)
        {
            ["Orleans__Mode"] = "Embedded",
            ["Orleans__SiloPort"] = FreePort.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["AuthCache__Webhooks__ClerkSigningSecret"] = _webhookSecret,
        });
        _fallingBackApiHost = await _cluster.StartApiHostAsync(waitForCluster: false, settings: new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = "no-silo-" + Guid.NewGuid().ToString("N")[..8],
        });

        _prometheus = await PrometheusServer.StartAsync(
            new[] { _silo, _embeddedApiHost, _fallingBackApiHost }.Select(n => new Uri(n.BaseUrl).Authority),
            [RepositoryFiles.PathOf("deploy/prometheus/authcache.rules.yaml")],
            new Dictionary<string, string> { ["namespace"] = Namespace });
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Every_alert_rule_evaluates_without_error_against_real_scrapes_and_every_metric_the_rules_and_dashboard_name_exists()
    {
        await DriveEveryMetricAsync();

        // Every target scraped, every rule evaluated at least once since, none with an error.
        await Eventually.UntilAsync(
            async () => (await _prometheus.ApiAsync("/api/v1/targets")).GetProperty("activeTargets").EnumerateArray()
                .Count(t => t.GetProperty("health").GetString() == "up") == 3,
            Patience,
            "Prometheus scrapes the three processes",
            _prometheus.Describe);
        var scrapedAt = DateTimeOffset.UtcNow;
        List<JsonElement> rules = [];
        await Eventually.UntilAsync(
            async () =>
            {
                rules = (await _prometheus.ApiAsync("/api/v1/rules")).GetProperty("groups").EnumerateArray()
                    .SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
                return rules.Count > 0 && rules.All(r => r.GetProperty("lastEvaluation").GetDateTimeOffset() > scrapedAt);
            },
            Patience,
            "every rule evaluated after the first scrapes",
            _prometheus.Describe);
        foreach (var rule in rules)
        {
            Assert.True(
                rule.GetProperty("health").GetString() == "ok",
                $"{rule.GetProperty("name")}: {rule.GetProperty("health")} {(rule.TryGetProperty("lastError", out var e) ? e : default)}");
        }

        Assert.Contains(rules, r => r.GetProperty("name").GetString() == "AuthCacheJwksKeysStale");

        // Every dashboard query is valid PromQL that Prometheus evaluates.
        var panelQueries = DashboardQueries();
        foreach (var query in panelQueries)
        {
            await _prometheus.QueryAsync(query);
        }

        var named = rules.Select(r => r.GetProperty("query").GetString()!).Concat(panelQueries)
            .SelectMany(PromQlMetricNames.In)
            .ToHashSet();
        Assert.Contains("authcache_jwks_stale", named);
        Assert.Contains("http_server_request_duration_seconds_count", named);
        var required = named.Except(ExportedElsewhere).Order().ToList();

        IReadOnlyList<string> missing = required;
        await Eventually.UntilAsync(
            async () =>
            {
                var present = (await _prometheus.QueryAsync($"group by (__name__) ({{__name__=~\"{string.Join('|', required)}\"}})"))
                    .EnumerateArray().Select(s => s.GetProperty("metric").GetProperty("__name__").GetString()!).ToHashSet();
                missing = required.Where(name => !present.Contains(name)).ToList();
                return missing.Count == 0;
            },
            Patience,
            "every metric the rules and panels name is scraped",
            () => "missing: " + string.Join(", ", missing) + "\n" + _cluster.Describe());
    }

    /// <summary>Takes each process through the paths that create the series the rules and panels name.</summary>
    private async Task DriveEveryMetricAsync()
    {
        var issuer = _cluster.Issuer;
        // The session's token comes first, so that it is the one token its silo caches (the revocation drops it).
        var sessionToken = NewToken("user_prom", "sess_prom");
        var tokens = Enumerable.Range(0, 6).Select(_ => NewToken("user_prom", null)).Prepend(sessionToken).ToList();

        // Misses on both silos (each caches one token, leaves the rest uncached), profile fetches and profile
        // cache hits (one subject), then the same tokens again: near-cache hits in the embedded host.
        foreach (var token in tokens.Concat(tokens))
        {
            var me = await MeResponse.GetAsync(_embeddedApiHost, token);
            Assert.True(me.Status == HttpStatusCode.OK, me.ToString());
        }

        // Grain hits: the test's own Orleans client asks the token grains that cached a token.
        var observer = await _cluster.ObserverAsync();
        foreach (var token in tokens)
        {
            var grain = observer.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token));
            Assert.True((await grain.ValidateAsync(token)).IsValid);
        }

        // Request-cache hits.
        using (var demo = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cache/demo/request-cache"))
        {
            demo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[1]);
            Assert.Equal(HttpStatusCode.OK, (await _embeddedApiHost.Http.SendAsync(demo)).StatusCode);
        }

        // A revocation of a session with a cached token, and a rejection of that token.
        using (var revoke = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cache/revoke"))
        {
            revoke.Headers.Add("X-Admin-Key", LocalCluster.AdminKey);
            revoke.Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("sid", "sess_prom")]);
            using var revoked = await _embeddedApiHost.Http.SendAsync(revoke);
            Assert.True(revoked.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await revoked.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await MeResponse.GetAsync(_embeddedApiHost, sessionToken)).Status);

        // A webhook delivery without a signature.
        using (var webhook = await _embeddedApiHost.Http.PostAsync("/api/v1/webhooks/clerk", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, webhook.StatusCode);
        }

        // Fallbacks: the host whose cluster does not exist validates by itself.
        var fallback = await MeResponse.GetAsync(_fallingBackApiHost, NewToken("user_fallback", null));
        Assert.True(fallback is { Status: HttpStatusCode.OK, Source: "Fallback" }, fallback.ToString());

        string NewToken(string subject, string? sid) => issuer.CreateToken(
            subject,
            sid: sid ?? "sess_" + Guid.NewGuid().ToString("N"),
            extraClaims: new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") });
    }

    /// <summary>The dashboard's queries with Grafana's variables as a Grafana user would have them: every pod, a range.</summary>
    private static List<string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/grafana/authcache-dashboard.json")));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!
                .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                .Replace("$namespace", ".*", StringComparison.Ordinal)
                .Replace("$pod", ".*", StringComparison.Ordinal))
            .ToList();
    }
}
