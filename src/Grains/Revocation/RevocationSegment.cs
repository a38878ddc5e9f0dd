using System.Text;
using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

/// <summary>
/// One committed batch of the revocation list (<see cref="RevocationLog"/>): the revocations it added, and the list's
/// epoch and version once it was applied. Written once, never rewritten; deleted when every record in it has expired.
/// </summary>
/// <param name="Epoch">The list's epoch the batch was committed in.</param>
/// <param name="Version">The list's version once the batch was applied.</param>
/// <param name="Records">The revocations the batch added.</param>
/// <param name="Mac">
/// The authentication code (<see cref="StateProtection.GrainStateProtector"/>) over <see cref="Canonical"/>, which
/// binds the batch to its list and its place in the log; null when written without a key.
/// </param>
[GenerateSerializer, Alias("AuthCache.RevocationSegment")]
internal sealed record RevocationSegment(
    Guid Epoch,
    long Version,
    IReadOnlyList<RevocationRecord> Records,
    byte[]? Mac = null)
{
    public const string Purpose = "authcache-revocation-segment-v1";

    /// <summary>Every field a silo believes, in a fixed order, under the list's id and the segment's number.</summary>
    public byte[] Canonical(GrainId list, long number)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(list.ToString());
            writer.Write(number);
            writer.Write(Epoch.ToByteArray());
            writer.Write(Version);
            writer.Write(Records.Count);
            foreach (var record in Records)
            {
                writer.Write((int)record.Kind);
                writer.Write(record.Value);
                writer.Write(record.Issuer is not null);
                writer.Write(record.Issuer ?? string.Empty);
                writer.Write(record.RevokedAt.UtcTicks);
            }
        }

        return bytes.ToArray();
    }
}
