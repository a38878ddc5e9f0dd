using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// Clerk webhook deliveries (Svix) that must not revoke anything: signatures that are wrong, made with another
    /// secret, truncated, over reordered or altered content, of an unknown version, out of their time window, and
    /// replays of a delivery already received.
    /// </summary>
    private static IEnumerable<AttackCase> WebhookForgeries(CorpusContext context)
    {
        const string section = "webhook forgeries";
        var fixture = context.Fixture;
        var signer = fixture.Webhooks;
        var secret = fixture.WebhookSecret;
        var otherSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var body = SvixTestSigner.Event("user.deleted", "user_webhook_victim_" + Guid.NewGuid().ToString("N"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Timestamp(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

        HttpRequestMessage Delivery(string id, string timestamp, string signature, string? content = null)
        {
            var request = signer.Delivery(content ?? body, messageId: id, signature: signature);
            request.Headers.Remove("svix-timestamp");
            request.Headers.Add("svix-timestamp", timestamp);
            return request;
        }

        var cases = new List<AttackCase>();
        void Add(string name, int status, string reason, Func<string, HttpRequestMessage> build, Func<HttpClient, Task>? prepare = null)
        {
            var id = SvixTestSigner.NewMessageId();
            cases.Add(new AttackCase(section, name, status, reason, () => build(id), Prepare: prepare));
        }

        var ts = Timestamp(now);
        Add("a random signature", 401, "invalid_signature", id => Delivery(id, ts, "v1," + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        Add("signed with another secret", 401, "invalid_signature", id => Delivery(id, ts, SvixTestSigner.Sign(otherSecret, id, now, bytes)));
        Add("a truncated signature", 401, "invalid_signature", id => Delivery(id, ts, SvixTestSigner.Sign(secret, id, now, bytes)[..24]));
        Add("the signature without its version", 401, "invalid_signature", id => Delivery(id, ts, SvixTestSigner.Sign(secret, id, now, bytes)[3..]));
        Add("the signature under version v2", 401, "invalid_signature", id => Delivery(id, ts, "v2," + SvixTestSigner.Sign(secret, id, now, bytes)[3..]));
        Add("several wrong signatures", 401, "invalid_signature", id => Delivery(id, ts, "v1,AAAA v1," + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + " v1,"));
        string Reordered(string id)
        {
            byte[] content = [.. System.Text.Encoding.UTF8.GetBytes($"{ts}.{id}."), .. bytes];
            return "v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(secret["whsec_".Length..]), content));
        }

        Add("timestamp and id reordered in the signed content", 401, "invalid_signature", id => Delivery(id, ts, Reordered(id)));
        Add("the body altered after signing", 401, "invalid_signature", id => Delivery(id, ts, SvixTestSigner.Sign(secret, id, now, bytes), body.Replace("user.deleted", "user.updated", StringComparison.Ordinal)));
        Add("the signature of another message id", 401, "invalid_signature", id => Delivery(id, ts, SvixTestSigner.Sign(secret, "msg_other", now, bytes)));
        Add("signed ten minutes ago", 401, "timestamp_too_old", id => Delivery(id, Timestamp(now - 600), SvixTestSigner.Sign(secret, id, now - 600, bytes)));
        Add("signed ten minutes ahead", 401, "timestamp_too_new", id => Delivery(id, Timestamp(now + 600), SvixTestSigner.Sign(secret, id, now + 600, bytes)));
        Add("the id and the timestamp headers swapped", 400, "malformed_timestamp", id => Delivery(ts, id, SvixTestSigner.Sign(secret, ts, now, bytes)));
        Add("no signature headers", 401, "missing_signature_headers", _ => signer.Delivery(body, withHeaders: false));

        // Replays: the first delivery of each message is Clerk's own and is accepted; sending it again is the attack.
        var replayId = SvixTestSigner.NewMessageId();
        var replaySignature = SvixTestSigner.Sign(secret, replayId, now, bytes);
        cases.Add(new AttackCase(
            section,
            "a delivery replayed as it was",
            409,
            "replayed_message",
            () => Delivery(replayId, ts, replaySignature),
            Prepare: http => DeliverOnceAsync(http, Delivery(replayId, ts, replaySignature))));
        var resignedId = SvixTestSigner.NewMessageId();
        cases.Add(new AttackCase(
            section,
            "a delivery replayed with a fresh timestamp and signature",
            409,
            "replayed_message",
            () => Delivery(resignedId, Timestamp(now + 1), SvixTestSigner.Sign(secret, resignedId, now + 1, bytes)),
            Prepare: http => DeliverOnceAsync(http, Delivery(resignedId, ts, SvixTestSigner.Sign(secret, resignedId, now, bytes)))));
        return cases;
    }

    private static async Task DeliverOnceAsync(HttpClient http, HttpRequestMessage original)
    {
        using var response = await http.SendAsync(original);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The original delivery before a replay was answered {(int)response.StatusCode}.");
        }
    }
}
