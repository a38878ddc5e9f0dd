using AuthCache.GrainInterfaces;

namespace AuthCache.Grains;

/// <summary>
/// The last-known-good keys of one issuer as <see cref="JwksGrain"/> keeps them in grain storage, with the
/// authentication code (<see cref="StateProtection.GrainStateProtector"/>) over <see cref="Canonical"/> that lets
/// a silo tell state it wrote from state written by anyone else who reached the storage.
/// </summary>
[GenerateSerializer, Alias("AuthCache.JwksPersistedState")]
internal sealed record JwksPersistedState(
    JwksSnapshot Snapshot,
    long FetchSuccesses,
    long FetchFailures,
    int ConsecutiveFailures,
    byte[]? Mac = null)
{
    public const string Purpose = "AuthCache.JwksPersistedState/1";

    /// <summary>
    /// Every stored field but the code itself, each length-prefixed in a fixed order, bound to the grain's issuer so
    /// one issuer's keys cannot be copied to another's record. Whatever storage handed back (nulls included) has a
    /// form, so a malformed record fails the check rather than the activation.
    /// </summary>
    public byte[] Canonical(string grainIssuer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(grainIssuer);
            WriteOptional(writer, Snapshot.Issuer);
            writer.Write(Snapshot.Version);
            writer.Write(Snapshot.Keys.Count);
            foreach (var key in Snapshot.Keys)
            {
                writer.Write(key is not null);
                if (key is null)
                {
                    continue;
                }

                WriteOptional(writer, key.Kid);
                WriteOptional(writer, key.Kty);
                WriteOptional(writer, key.Alg);
                WriteOptional(writer, key.N);
                WriteOptional(writer, key.E);
                WriteOptional(writer, key.Crv);
                WriteOptional(writer, key.X);
                WriteOptional(writer, key.Y);
            }

            WriteOptional(writer, Snapshot.FetchedAt);
            WriteOptional(writer, Snapshot.ExpiresAt);
            writer.Write(Snapshot.IsStale);
            WriteOptional(writer, Snapshot.LastError);
            WriteOptional(writer, Snapshot.LastErrorAt);
            writer.Write(FetchSuccesses);
            writer.Write(FetchFailures);
            writer.Write(ConsecutiveFailures);
        }

        return buffer.ToArray();
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static void WriteOptional(BinaryWriter writer, DateTimeOffset? value)
    {
        writer.Write(value.HasValue);
        if (value is { } time)
        {
            writer.Write(time.UtcTicks);
        }
    }
}
