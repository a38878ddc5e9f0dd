using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.Infrastructure;

/// <summary>
/// Builds webhook deliveries signed the way Svix signs them (HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> with the
/// base64-decoded secret), computed here independently of the code under test.
/// </summary>
public sealed class SvixTestSigner(string secret, FakeTimeProvider time)
{
    public const string Route = "/api/v1/webhooks/clerk";

    public static string NewMessageId() => "msg_" + Guid.NewGuid().ToString("N");

    public static string Sign(string secret, string messageId, long timestamp, byte[] body)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.").Concat(body).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    /// <summary>A Clerk event as Clerk sends it (the fields the cache reads, and a few it does not).</summary>
    public static string Event(string type, string id, string? userId = null) => JsonSerializer.Serialize(new
    {
        @object = "event",
        type,
        timestamp = 1_700_000_000_000,
        data = userId is null
            ? (object)new { id, @object = type.StartsWith("user.", StringComparison.Ordinal) ? "user" : "session", deleted = true }
            : new { id, @object = "session", user_id = userId, status = "revoked" },
    });

    /// <summary>A delivery of <paramref name="body"/>, signed unless told otherwise, timestamped at the fake clock's now plus <paramref name="age"/>.</summary>
    public HttpRequestMessage Delivery(
        string body,
        string? messageId = null,
        TimeSpan? age = null,
        string? signature = null,
        string? signingSecret = null,
        bool withHeaders = true) => Delivery(Encoding.UTF8.GetBytes(body), messageId, age, signature, signingSecret, withHeaders);

    public HttpRequestMessage Delivery(
        byte[] body,
        string? messageId = null,
        TimeSpan? age = null,
        string? signature = null,
        string? signingSecret = null,
        bool withHeaders = true)
    {
        var id = messageId ?? NewMessageId();
        var timestamp = (time.GetUtcNow() - (age ?? TimeSpan.Zero)).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (withHeaders)
        {
            request.Headers.Add("svix-id", id);
            request.Headers.Add("svix-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("svix-signature", signature ?? Sign(signingSecret ?? secret, id, timestamp, body));
        }

        return request;
    }
}
