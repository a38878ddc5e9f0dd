using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using AuthCache.Grains;
using AuthCache.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using Orleans.Runtime;
using Orleans.Storage;

namespace AuthCache.Tests.Grains;

/// <summary>
/// Grain state that silos stored while the state types lived in AuthCache.GrainInterfaces: Orleans' JSON grain
/// storage serializer wrote their former assembly-qualified names, exactly as below, and the grains still read it.
/// Its own cluster, since it replaces the revocation list's stored state.
/// </summary>
public sealed class StoredStateCompatibilityTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private IGrainStorage Storage => _fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AuthCacheStorage.Name);

    [Fact]
    public async Task Signing_keys_stored_under_the_former_type_name_are_read_and_refused_for_lack_of_an_authentication_code()
    {
        var grain = _fixture.Grains.GetGrain<IJwksGrain>("https://stored.example/" + Guid.NewGuid().ToString("N"));
        var stored = """
            {"$id":"1","$type":"AuthCache.GrainInterfaces.JwksPersistedState, AuthCache.GrainInterfaces","Snapshot":{"$id":"2","$type":"AuthCache.GrainInterfaces.JwksSnapshot, AuthCache.GrainInterfaces","Issuer":"https://stored.example","Version":639316523668118485,"Keys":{"$type":"System.Collections.Generic.List`1[[AuthCache.GrainInterfaces.SigningKeyMaterial, AuthCache.GrainInterfaces]], System.Private.CoreLib","$values":[{"$id":"3","$type":"AuthCache.GrainInterfaces.SigningKeyMaterial, AuthCache.GrainInterfaces","Kid":"ec-1","Kty":"EC","Alg":"ES256","Crv":"P-256","X":"gvaLMW7GrshfJlA7NZzQn1Z4BdNF-HqyCLMUQU-jdd0","Y":"ur0ViQT2K-CxVlmlmEfwBNyC3Ue-R0l7tmgQsGSs9A0"}]},"FetchedAt":"2026-11-30T16:19:26.8118485+00:00","ExpiresAt":"2026-11-30T18:19:26.8118485+00:00","HasKeys":true},"FetchSuccesses":7,"FetchFailures":2}
            """;
        await Storage.WriteStateAsync("jwks", grain.GetGrainId(), new GrainState<JObject>(JObject.Parse(stored)));

        var status = await grain.GetStatusAsync();

        Assert.Empty(status.KeyIds);
        Assert.Equal((0, 0), (status.FetchSuccesses, status.FetchFailures));
    }

    [Fact]
    public async Task Revocations_stored_under_the_former_type_name_are_restored_and_enforced()
    {
        var list = _fixture.Grains.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);
        var subject = "user_" + Guid.NewGuid().ToString("N");
        var token = _fixture.Token(subject);
        var revokedAt = _fixture.Time.GetUtcNow().AddMinutes(1).ToString("O");
        var stored = $$$"""
            {"$id":"1","$type":"AuthCache.GrainInterfaces.RevocationListState, AuthCache.GrainInterfaces","Epoch":"{{{Guid.NewGuid()}}}","Version":2,"Records":{"$type":"System.Collections.Generic.List`1[[AuthCache.GrainInterfaces.RevocationRecord, AuthCache.GrainInterfaces]], System.Private.CoreLib","$values":[{"$id":"2","$type":"AuthCache.GrainInterfaces.RevocationRecord, AuthCache.GrainInterfaces","Kind":1,"Value":"{{{subject}}}","RevokedAt":"{{{revokedAt}}}","Issuer":"{{{_fixture.Issuer.Issuer}}}"}]}}
            """;
        var current = new GrainState<JObject>();
        await Storage.ReadStateAsync("revocations", list.GetGrainId(), current);
        await Storage.WriteStateAsync("revocations", list.GetGrainId(), new GrainState<JObject>(JObject.Parse(stored), current.ETag));
        await _fixture.Cluster.DeactivateAsync(list);

        await Poll.UntilAsync(
            async () => (await _fixture.Grains.GetGrain<ITokenValidationGrain>(TokenHash.Compute(token)).ValidateAsync(token)).FailureReason == AuthFailureReason.Revoked,
            Patience,
            "the stored revocation of the subject is enforced");
    }
}
