using System.Collections.Concurrent;
using AuthCache.GrainInterfaces;
using AuthCache.Grains.Revocation;
using Orleans.Runtime;
using Orleans.Storage;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// A real grain storage (in-memory) seen through what is written to it: the bytes of every write, as the silo's grain
/// storage serializer encodes them, and every revocation record once its write has completed (durable).
/// </summary>
internal sealed class RecordingGrainStorage(IGrainStorage inner, IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<RevocationRecord, byte> _durable = new();

    /// <summary>Every completed write: the state's name and its serialized size.</summary>
    public ConcurrentQueue<(string StateName, int Bytes, int Records)> Writes { get; } = new();

    public bool IsDurable(RevocationRecord record) => _durable.ContainsKey(record);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        var records = grainState.State switch
        {
            RevocationSegment segment => segment.Records,
            RevocationListState header => header.Records,
            _ => [],
        };
        foreach (var record in records)
        {
            _durable.TryAdd(record, 0);
        }

        Writes.Enqueue((stateName, serializer.Serialize(grainState.State).ToMemory().Length, records.Count));
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
