using System.Net;
using System.Text;
using AuthCache.Tests.Infrastructure;

namespace AuthCache.Tests.AspNetCore.Webhooks;

[Collection(ApiHostCollection.Name)]
public sealed class WebhookConfigurationTests(ApiHostFixture fixture)
{
    [Fact]
    public async Task Without_a_signing_secret_the_webhook_endpoint_is_closed()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/clerk")
        {
            Content = new StringContent("{\"type\":\"user.deleted\",\"data\":{\"id\":\"user_1\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("svix-id", "msg_1");
        request.Headers.Add("svix-timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("svix-signature", "v1,c2lnbmF0dXJl");

        var response = await fixture.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("webhook_not_configured", (await response.JsonAsync()).GetProperty("reason").GetString());
    }
}
