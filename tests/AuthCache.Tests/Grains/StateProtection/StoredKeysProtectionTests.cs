using AuthCache.Core.Jwks;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Grains.StateProtection;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Newtonsoft.Json.Linq;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace AuthCache.Tests.Grains.StateProtection;

/// <summary>
/// Last-known-good signing keys read back from grain storage: used only when a fresh fetch fails, and only when the
/// silos' authentication code over them matches and their times are plausible. Its own cluster, since it edits
/// stored state and takes the issuer down.
/// </summary>
public sealed class StoredKeysProtectionTests : IAsyncLifetime
{
    // A deactivation waits for a caller still waiting on a failing fetch, up to the fetch deadline (10 s by default).
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private IJwksGrain Grain => _fixture.Grains.GetGrain<IJwksGrain>(_fixture.Issuer.Issuer);

    private IGrainStorage Storage => _fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AuthCacheStorage.Name);

    [Fact]
    public async Task A_reactivated_grain_fetches_before_it_uses_its_stored_keys()
    {
        var dropped = TestIssuer.CreateEcKey("dropped");
        _fixture.Issuer.Publish(dropped);
        Assert.True((await Grain.ForceRefreshAsync()).Keys.ContainsKey(dropped.KeyId));
        _fixture.Issuer.Unpublish(dropped.KeyId);
        var fetches = _fixture.Issuer.JwksFetches;

        await ReactivateAsync();
        var keys = await Grain.GetKeysAsync();

        Assert.False(keys.ContainsKey(dropped.KeyId));
        Assert.True(keys.ContainsKey("rsa-1"));
        Assert.Equal(fetches + 1, _fixture.Issuer.JwksFetches);
    }

    [Fact]
    public async Task Stored_keys_serve_when_the_fetch_fails_but_a_stored_snapshot_with_an_added_key_is_never_used()
    {
        await Grain.ForceRefreshAsync();
        _fixture.Issuer.Mode = JwksMode.ServerError;
        try
        {
            await ReactivateAsync();
            var restored = await Grain.GetKeysAsync();
            Assert.Equal(["ec-1", "rsa-1"], restored.Keys.Select(k => k.Kid).Order());

            // Restored keys are a last resort: the grain retries after the failure backoff, not at their 80% mark.
            var status = await Grain.GetStatusAsync();
            Assert.Equal(status.LastErrorAt + JwksKeyState.InitialRetryDelay, status.NextRefresh);

            var attacker = TestIssuer.CreateRsaKey("attacker");
            await AddToStoredKeysAsync(attacker);
            await ReactivateAsync();
            var afterEdit = await Grain.GetKeysAsync();
            var forged = _fixture.Token("user_" + Guid.NewGuid().ToString("N"), key: attacker);
            var outcome = await _fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(forged)).ValidateAsync(forged);

            Assert.False(afterEdit.HasKeys);
            Assert.False(outcome.IsValid);
            Assert.Equal(AuthFailureReason.KeysUnavailable, outcome.FailureReason);
        }
        finally
        {
            _fixture.Issuer.Mode = JwksMode.Normal;
        }

        var recovered = (await Grain.ForceRefreshAsync()).Keys;
        Assert.False(recovered.ContainsKey("attacker"));
    }

    [Theory]
    [InlineData("fetched in the future", false)]
    [InlineData("expired beyond the maximum staleness", false)]
    [InlineData("none", true)]
    public async Task A_signed_snapshot_with_implausible_times_is_discarded(string flaw, bool used)
    {
        var issuer = _fixture.ColdIssuer.Issuer;
        var grain = _fixture.Grains.GetGrain<IJwksGrain>(issuer);
        var now = _fixture.Time.GetUtcNow();
        var fetchedAt = flaw switch
        {
            "fetched in the future" => now + TimeSpan.FromHours(1),
            "expired beyond the maximum staleness" => now - TimeSpan.FromDays(3),
            _ => now - TimeSpan.FromHours(1),
        };
        var key = new SigningKeyMaterial("signed", "EC", "ES256", null, null, "P-256", "x", "y");
        var snapshot = new JwksSnapshot(issuer, 1, new List<SigningKeyMaterial> { key }, fetchedAt, fetchedAt + TimeSpan.FromHours(2), false, null, null);
        var state = new JwksPersistedState(snapshot, 1, 0, 0);
        var protector = _fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<GrainStateProtector>();
        state = state with { Mac = protector.Sign(JwksPersistedState.Purpose, state.Canonical(issuer)) };
        await _fixture.Cluster.DeactivateAsync(grain);
        await _fixture.WaitUntilInactiveAsync(grain, Patience);
        var current = new GrainState<JwksPersistedState>();
        await Storage.ReadStateAsync("jwks", grain.GetGrainId(), current);
        await Storage.WriteStateAsync("jwks", grain.GetGrainId(), new GrainState<JwksPersistedState>(state, current.ETag));

        await grain.GetKeysAsync();

        // The status lists the keys held, also those withheld for staleness.
        Assert.Equal(used, (await grain.GetStatusAsync()).KeyIds.Contains("signed"));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("YXV0aGNhY2hlLXRlc3RzLXN0YXRlLXByb3RlY3Rpb24=", true)]
    [InlineData("c2hvcnQ=", false)]
    [InlineData("not base64 at all!", false)]
    public void The_state_protection_key_is_base64_of_at_least_32_bytes_or_absent(string? key, bool accepted)
    {
        var result = new StateProtectionOptionsValidator().Validate(null, new StateProtectionOptions { Key = key });

        Assert.Equal(accepted, result.Succeeded);
    }

    [Fact]
    public async Task A_silo_without_a_state_protection_key_says_once_at_start_that_stored_keys_are_never_restored()
    {
        var logs = new LogCapture();
        await using var cluster = await DeploySiloAsync(key: null, logs);

        Assert.Single(logs.Lines, l => l.Contains("[2601]") && l.Contains("Orleans:StateProtection:Key"));
    }

    [Fact]
    public async Task A_local_silo_without_a_state_protection_key_authenticates_its_in_memory_state_with_a_key_of_its_own_and_says_nothing()
    {
        var logs = new LogCapture();
        await using var cluster = await DeploySiloAsync(key: null, logs, localPersistence: true);

        var options = cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<StateProtectionOptions>>().Value;
        Assert.Equal(StateProtectionOptions.MinimumKeyBytes, options.KeyBytes()?.Length);
        Assert.True(cluster.Silos[0].ServiceProvider.GetRequiredService<GrainStateProtector>().IsEnabled);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("[2601]"));
    }

    [Fact]
    public async Task A_silo_with_a_state_protection_key_shorter_than_32_bytes_does_not_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DeploySiloAsync(Convert.ToBase64String(new byte[16]), new LogCapture()));

        Assert.Contains("Orleans:StateProtection:Key", error.ToString());
    }

    private async Task<InProcessTestCluster> DeploySiloAsync(string? key, LogCapture logs, bool localPersistence = false)
    {
        var settings = _fixture.Issuer.Settings();
        settings["Orleans:StateProtection:Key"] = key;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureHost(host =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.AddProvider(logs);
        });
        // Unless asked for local persistence, memory storage is registered as a durable store is, since
        // AddAuthCacheLocalPersistence makes a key of its own.
        builder.ConfigureSilo((_, silo) => (localPersistence
            ? silo.AddAuthCacheLocalPersistence()
            : silo.UseInMemoryReminderService().AddMemoryGrainStorage(AuthCacheStorage.Name)).AddAuthCacheGrains());
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task ReactivateAsync()
    {
        await _fixture.Cluster.DeactivateAsync(Grain);
        await _fixture.WaitUntilInactiveAsync(Grain, Patience);
    }

    /// <summary>What someone with write access to the storage but not the silos' key would do: add a key of their own.</summary>
    private async Task AddToStoredKeysAsync(RsaSecurityKey attacker)
    {
        var current = new GrainState<JObject>();
        await Storage.ReadStateAsync("jwks", Grain.GetGrainId(), current);
        var keys = current.State!["Snapshot"]!["Keys"]!;
        var list = (JArray)(keys is JArray array ? array : keys["$values"]!);
        var parameters = attacker.Rsa.ExportParameters(false);
        var added = (JObject)list.First(k => (string?)k["Kty"] == "RSA").DeepClone();
        added.Remove("$id");
        added["Kid"] = attacker.KeyId;
        added["N"] = Base64UrlEncoder.Encode(parameters.Modulus);
        added["E"] = Base64UrlEncoder.Encode(parameters.Exponent);
        list.Add(added);
        await Storage.WriteStateAsync("jwks", Grain.GetGrainId(), new GrainState<JObject>(current.State, current.ETag));
    }
}
