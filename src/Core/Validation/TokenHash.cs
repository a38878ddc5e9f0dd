using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AuthCache.Core.Validation;

/// <summary>The cache key of a token: the base64url SHA-256 of its bytes (43 characters, the full hash).</summary>
internal static class TokenHash
{
    public static string Compute(string token)
    {
        var byteCount = Encoding.UTF8.GetByteCount(token);
        var rented = byteCount > 1024 ? ArrayPool<byte>.Shared.Rent(byteCount) : null;
        try
        {
            var bytes = rented ?? stackalloc byte[1024];
            var written = Encoding.UTF8.GetBytes(token, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            return Base64Url.EncodeToString(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>True when <paramref name="value"/> has the shape of a token hash (43 base64url characters).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 43 }
        && Base64Url.IsValid(value, out var decodedLength)
        && decodedLength == SHA256.HashSizeInBytes;
}
