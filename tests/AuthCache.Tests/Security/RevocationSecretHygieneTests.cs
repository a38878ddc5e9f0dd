using System.Net.Http.Headers;
using System.Security.Cryptography;
using AuthCache.Core.Validation;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.Security;

/// <summary>
/// The <see cref="SecretHygieneTests"/> rule for the revocation paths: after admin revocations (by key and by
/// token), refused requests and webhook deliveries (good, forged, stale, replayed, malformed), no log line holds
/// the webhook secret, the admin key, a token or a delivery's signature.
/// </summary>
[Collection(RevocationApiCollection.Name)]
public sealed class RevocationSecretHygieneTests(RevocationApiFixture fixture)
{
    [Fact]
    public async Task No_webhook_secret_admin_key_token_or_signature_appears_in_any_log_line()
    {
        var http = fixture.Http;
        var signer = fixture.Webhooks;
        var secrets = new List<string> { fixture.WebhookSecret, fixture.WebhookSecret["whsec_".Length..], RevocationApiFixture.AdminKey };
        var tokens = new List<string>();

        var user = fixture.Token("user_hygiene_" + Guid.NewGuid().ToString("N"), "sess_hygiene_" + Guid.NewGuid().ToString("N"));
        var admin = fixture.Token("admin_hygiene", extraClaims: new Dictionary<string, object> { ["role"] = "admin" });
        tokens.AddRange([user, admin]);
        await http.GetAsync("/api/v1/me", user);

        await SendAsync(http, "?tokenHash=" + TokenHash.Compute(user), adminKey: RevocationApiFixture.AdminKey);
        await SendAsync(http, "?sid=sess_by_token", bearer: admin);
        await SendAsync(http, "?sid=sess_wrong_key", adminKey: "wrong-" + RevocationApiFixture.AdminKey);
        await SendAsync(http, "?sid=a&sub=b", adminKey: RevocationApiFixture.AdminKey);
        // An admin pasting the token itself where its hash belongs: refused, and the value is never logged. (Sent
        // as a form: a query string is written to the host's request log before any endpoint runs.)
        await SendAsync(http, "", adminKey: RevocationApiFixture.AdminKey, form: new FormUrlEncodedContent([new("tokenHash", user)]));
        await http.GetAsync("/api/v1/me", user);

        var otherSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        secrets.Add(otherSecret);
        var deliveries = new[]
        {
            signer.Delivery(SvixTestSigner.Event("session.ended", "sess_hygiene_webhook")),
            signer.Delivery(SvixTestSigner.Event("user.deleted", "user_hygiene_webhook")),
            signer.Delivery(SvixTestSigner.Event("user.updated", "user_hygiene_updated")),
            signer.Delivery(SvixTestSigner.Event("user.created", "user_hygiene_created")),
            signer.Delivery(SvixTestSigner.Event("session.revoked", "sess_forged"), signingSecret: otherSecret),
            signer.Delivery(SvixTestSigner.Event("session.revoked", "sess_stale"), age: TimeSpan.FromMinutes(10)),
            signer.Delivery("{ not json"),
        };
        var replayId = SvixTestSigner.NewMessageId();
        var replayed = new[] { signer.Delivery(SvixTestSigner.Event("session.removed", "sess_replayed"), replayId), signer.Delivery(SvixTestSigner.Event("session.removed", "sess_replayed"), replayId) };
        foreach (var delivery in deliveries.Concat(replayed))
        {
            secrets.Add(delivery.Headers.GetValues("svix-signature").Single()["v1,".Length..]);
            await http.SendAsync(delivery);
        }

        var lines = fixture.Host.Logs.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("[3201]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[3301]", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        foreach (var token in tokens)
        {

            var signature = token.Split('.').Last();
            Assert.DoesNotContain(lines, line => line.Contains(token, StringComparison.Ordinal) || line.Contains(signature, StringComparison.Ordinal));

        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string query, string? adminKey = null, string? bearer = null, HttpContent? form = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cache/revoke" + query) { Content = form };
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http.SendAsync(request);
    }
}
