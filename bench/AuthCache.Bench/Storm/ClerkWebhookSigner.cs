using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AuthCache.Bench.Storm;

/// <summary>
/// Clerk webhook deliveries as Svix sends them: <c>svix-id</c>, <c>svix-timestamp</c> and <c>svix-signature</c>
/// (<c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> keyed with the secret's base64-decoded bytes),
/// signed when sent, so a storm longer than Svix's five-minute tolerance is still accepted.
/// </summary>
public sealed class ClerkWebhookSigner(string secret)
{
    public const string Route = "/api/v1/webhooks/clerk";

    private readonly byte[] _key = Convert.FromBase64String(secret["whsec_".Length..]);

    /// <summary>A <c>session.ended</c> event for <paramref name="sessionId"/>, as Clerk sends it.</summary>
    public static byte[] SessionEnded(string sessionId, string userId) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        @object = "event",
        type = "session.ended",
        timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        data = new { id = sessionId, @object = "session", user_id = userId, status = "ended" },
    });

    public HttpRequestMessage Delivery(Uri host, byte[] body)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, Route)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("svix-id", id);
        request.Headers.Add("svix-timestamp", timestamp);
        request.Headers.Add("svix-signature", "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, signed)));
        return request;
    }
}
