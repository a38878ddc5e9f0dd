namespace AuthCache.Core.Http;

/// <summary>
/// An upstream GET whose whole exchange, headers and body, is bounded: by one deadline that cancels it, and by a
/// body size counted as the bytes arrive, so neither a stalled body nor an endless one (no <c>Content-Length</c>)
/// can hold a caller or fill its memory.
/// </summary>
internal static class BoundedHttpExchange
{
    /// <summary>
    /// A token cancelled once <paramref name="timeout"/> has passed on <paramref name="time"/>, or when
    /// <paramref name="cancellationToken"/> is; dispose it when the exchange is over.
    /// </summary>
    public static Deadline StartDeadline(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        new(new CancellationTokenSource(timeout, time), cancellationToken);

    /// <summary>
    /// The body, or null once it is known to exceed <paramref name="maxBytes"/> (declared or received).
    /// </summary>
    public static async Task<byte[]?> ReadBodyAsync(
        HttpContent content,
        int maxBytes,
        CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    public sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource _timeout;
        private readonly CancellationTokenSource _exchange;

        internal Deadline(CancellationTokenSource timeout, CancellationToken cancellationToken)
        {
            _timeout = timeout;
            _exchange = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        }

        public CancellationToken Token => _exchange.Token;

        public void Dispose()
        {
            _exchange.Dispose();
            _timeout.Dispose();
        }
    }
}
