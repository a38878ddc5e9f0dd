using System.Net;
using System.Text.Json;
using AuthCache.AspNetCore.Caching;
using AuthCache.Core.Jwks;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    private const string AdminRefreshPath = "/api/v1/cache/jwks/refresh";
    private const string AdminStatsPath = "/api/v1/cache/stats";
    private static readonly TimeSpan WarmUpPatience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Tokens of a signing key the primary issuer published, the host used on every path, and the issuer then
    /// removed (an operator's forced refresh retired it): the very tokens the host cached (its token grain's validation,
    /// its near-cache copy, its direct scheme's keys), tokens of that key it never saw, and an attacker's token that
    /// re-uses the retired key id with a key of its own; RSA and EC. Each case retires a key of its own, so the cases do
    /// not depend on each other's order, and afterwards neither the cluster nor the host may still hold the key.
    /// The fallback (the host validating by itself when its cluster does not answer) cannot be forced on this shared
    /// host's embedded silo without disturbing the other sections: ClientModeKeyRetirementTests proves it.
    /// </summary>
    private static IEnumerable<AttackCase> RetiredKeys(CorpusContext context)
    {
        const string section = "retired keys";
        var issuer = context.Fixture.Primary;
        var kinds = new (string Name, Func<string, SecurityKey> Create)[]
        {
            ("RSA", kid => TestIssuer.CreateRsaKey(kid)),
            ("EC", kid => TestIssuer.CreateEcKey(kid)),
        };
        var cases = new List<AttackCase>();
        foreach (var kind in kinds)
        {
            foreach (var (scheme, path) in new[] { ("cached scheme", CachedPath), ("direct scheme", DirectPath) })
            {
                AttackCase Case(string name, Func<SecurityKey, string, string> hostileToken)
                {
                    var key = kind.Create($"retired-{kind.Name.ToLowerInvariant()}-{Guid.NewGuid():N}"[..24]);
                    var used = issuer.CreateToken("user_retired_" + Guid.NewGuid().ToString("N"), key: key);
                    var token = hostileToken(key, used);
                    return new AttackCase(
                        section,
                        $"{name} ({scheme})",
                        401,
                        UnknownKey,
                        () => Bearer(token, path),
                        token,
                        Prepare: http => UseThenRetireAsync(context, http, key, used),
                        LeftBehind: http => RetiredKeyStillHeldAsync(context, http, key.KeyId));
                }

                cases.Add(Case($"a token the host validated and cached, of a retired {kind.Name} key", (_, used) => used));
                cases.Add(Case(
                    $"a token never seen, of a retired {kind.Name} key",
                    (key, _) => issuer.CreateToken("user_unseen_" + Guid.NewGuid().ToString("N"), key: key)));
                cases.Add(Case(
                    $"a retired {kind.Name} key's kid on a token signed by the attacker's {kind.Name} key",
                    (key, _) => issuer.CreateToken("user_collision_" + Guid.NewGuid().ToString("N"), key: AttackerKeyLike(key))));
            }
        }

        return cases;
    }

    /// <summary>A key of the attacker's with the same type and key id as <paramref name="key"/>.</summary>
    private static SecurityKey AttackerKeyLike(SecurityKey key) =>
        key is RsaSecurityKey ? TestIssuer.CreateRsaKey(key.KeyId) : TestIssuer.CreateEcKey(key.KeyId);

    /// <summary>
    /// Publishes <paramref name="key"/>, has the cluster and the host hold it and <paramref name="token"/> answered
    /// on every path (the grain's validation, its near-cache copy, the direct scheme), then removes the key from the
    /// issuer and forces the refresh that retires it across the cluster.
    /// </summary>
    private static async Task UseThenRetireAsync(CorpusContext context, HttpClient http, SecurityKey key, string token)
    {
        var issuer = context.Fixture.Primary;
        issuer.Publish(key);
        var published = await RefreshPrimaryKeysAsync(context, http);
        Require(KeyIds(published, "keyIds").Contains(key.KeyId), "the forced refresh did not find the published key");

        // The host mirrors the cluster's keys every half minute; the case does not wait for it.
        var mirror = context.Fixture.Host.App.Services.GetServices<IHostedService>().OfType<ClusterKeyMirror>().Single();
        Require(await mirror.MirrorAsync(CancellationToken.None), "the host could not mirror the cluster's keys");

        await RequireStatusAsync(http, token, CachedPath, HttpStatusCode.OK);
        await Poll.UntilAsync(
            async () => await SourceAsync(http, token) == "NearCache",
            WarmUpPatience,
            "the grain's answer copied into the near cache");
        await RequireStatusAsync(http, token, DirectPath, HttpStatusCode.OK);

        issuer.Unpublish(key.KeyId);
        var retired = await RefreshPrimaryKeysAsync(context, http);
        Require(KeyIds(retired, "retiredKeyIds").SequenceEqual([key.KeyId]), "the forced refresh did not retire the removed key");
        Require(retired.GetProperty("droppedCachedValidations").GetInt32() == 1, "the retirement did not drop the cached validation");
        Require(retired.GetProperty("retirementConfirmed").GetBoolean(), "the retirement was not confirmed");
    }

    /// <summary>Where the cluster's and the host's keys could still hold a retired key: the admin statistics (the JwksGrain) and the direct scheme's key source.</summary>
    private static async Task<string?> RetiredKeyStillHeldAsync(CorpusContext context, HttpClient http, string keyId)
    {
        var primary = context.PrimaryIssuer;
        using var response = await http.GetAsync(AdminStatsPath, adminKey: SecurityApiFixture.AdminKey);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"the statistics answered {(int)response.StatusCode}";
        }

        var jwks = (await response.JsonAsync()).GetProperty("jwks").EnumerateArray().Single(j => j.GetProperty("issuer").GetString() == primary);
        if (KeyIds(jwks, "keyIds").Contains(keyId))
        {
            return "the cluster's keys still list the retired key";
        }

        return context.Fixture.Host.App.Services.GetRequiredService<LocalJwksKeySource>().HeldKeyIds(primary).Contains(keyId)
            ? "the host's own keys still hold the retired key"
            : null;
    }

    private static async Task<JsonElement> RefreshPrimaryKeysAsync(CorpusContext context, HttpClient http)
    {
        using var response = await http.PostAsync(
            AdminRefreshPath + "?issuer=" + Uri.EscapeDataString(context.PrimaryIssuer),
            adminKey: SecurityApiFixture.AdminKey);
        Require(response.StatusCode == HttpStatusCode.OK, $"the forced key refresh answered {(int)response.StatusCode}");
        return (await response.JsonAsync()).GetProperty("issuers").EnumerateArray().Single();
    }

    private static async Task RequireStatusAsync(HttpClient http, string token, string path, HttpStatusCode expected)
    {
        using var response = await http.GetAsync(path, token);
        Require(response.StatusCode == expected, $"{path} answered {(int)response.StatusCode} before the key was retired");
    }

    private static async Task<string?> SourceAsync(HttpClient http, string token)
    {
        using var response = await http.GetAsync(CachedPath, token);
        return response.StatusCode == HttpStatusCode.OK ? (await response.JsonAsync()).GetProperty("source").GetString() : null;
    }

    private static string?[] KeyIds(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(k => k.GetString()).ToArray();

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Preparing a retired key: " + failure + ".");
        }
    }
}
