using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Core;
using AuthCache.GrainInterfaces;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthCache.Tests.AspNetCore.Webhooks;

/// <summary>
/// The Clerk webhook endpoint processes at most <c>AuthCache:Webhooks:MaxConcurrency</c> deliveries at once and
/// queues up to <c>QueueLimit</c> more; one more is deferred with 429, having recorded nothing. Real API host, real
/// HTTP, deliveries signed as Svix signs them; a delivery holds its turn while its body has not fully arrived.
/// </summary>
public sealed class ClerkWebhookConcurrencyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly string _secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    private TestIssuer _issuer = null!;
    private ApiHostInstance _host = null!;

    private SvixTestSigner Signer => new(_secret, _time);

    private ClerkWebhookConcurrency Concurrency => _host.App.Services.GetRequiredService<ClerkWebhookConcurrency>();

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _host = await ApiHostInstance.StartAsync(
            "Production",
            new Dictionary<string, string?>
            {
                ["AuthCache:Issuers:0:Issuer"] = _issuer.Issuer,
                ["AuthCache:Issuers:0:RequireHttps"] = "false",
                ["AuthCache:Admin:ApiKey"] = "concurrency-admin-key-5d2c",
                ["AuthCache:Admin:Role"] = "admin",
                ["AuthCache:Webhooks:ClerkSigningSecret"] = _secret,
                ["AuthCache:Webhooks:MaxConcurrency"] = "1",
                ["AuthCache:Webhooks:QueueLimit"] = "1",
            },
            configureServices: services => services.AddSingleton(new AuthCacheClock(_time)));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_beyond_the_queue_is_deferred_with_429_Retry_After_and_webhook_busy_and_records_nothing()
    {
        var (held, heldToken) = Session();
        var (queued, queuedToken) = Session();
        var (deferred, deferredToken) = Session();
        var heldBody = new StalledContent(SvixTestSigner.Event("session.ended", held.Sid, held.Subject));
        var holding = _host.Http.SendAsync(WithContent(Signer.Delivery(SvixTestSigner.Event("session.ended", held.Sid, held.Subject)), heldBody));
        await Poll.UntilAsync(() => Task.FromResult(Concurrency.Statistics!.CurrentAvailablePermits == 0), TimeSpan.FromSeconds(30), "the first delivery holding the only turn");
        var waiting = _host.Http.SendAsync(Signer.Delivery(SvixTestSigner.Event("session.ended", queued.Sid, queued.Subject)));
        await Poll.UntilAsync(() => Task.FromResult(Concurrency.Statistics!.CurrentQueuedCount == 1), TimeSpan.FromSeconds(30), "the second delivery waiting in the queue");
        var messageId = SvixTestSigner.NewMessageId();
        var deferredBody = SvixTestSigner.Event("session.ended", deferred.Sid, deferred.Subject);

        var refused = await _host.Http.SendAsync(Signer.Delivery(deferredBody, messageId));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(ClerkWebhookConcurrency.Busy, (await refused.JsonAsync()).GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync("/api/v1/me", deferredToken)).StatusCode);

        heldBody.Release();
        Assert.Equal(HttpStatusCode.OK, (await holding).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.Equal(AuthFailureReason.Revoked, (await _host.Http.GetAsync("/api/v1/me", heldToken)).ErrorDescription());
        Assert.Equal(AuthFailureReason.Revoked, (await _host.Http.GetAsync("/api/v1/me", queuedToken)).ErrorDescription());

        // Svix delivers it again under the same message id: a first delivery, not a replay.
        var retried = await _host.Http.SendAsync(Signer.Delivery(deferredBody, messageId));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(AuthFailureReason.Revoked, (await _host.Http.GetAsync("/api/v1/me", deferredToken)).ErrorDescription());
    }

    [Fact]
    public async Task Deliveries_within_the_limit_and_the_queue_are_all_processed()
    {
        var (held, heldToken) = Session();
        var (queued, queuedToken) = Session();
        var heldBody = new StalledContent(SvixTestSigner.Event("session.ended", held.Sid, held.Subject));
        var holding = _host.Http.SendAsync(WithContent(Signer.Delivery(SvixTestSigner.Event("session.ended", held.Sid, held.Subject)), heldBody));
        await Poll.UntilAsync(() => Task.FromResult(Concurrency.Statistics!.CurrentAvailablePermits == 0), TimeSpan.FromSeconds(30), "the first delivery holding the only turn");

        var waiting = _host.Http.SendAsync(Signer.Delivery(SvixTestSigner.Event("session.ended", queued.Sid, queued.Subject)));
        await Poll.UntilAsync(() => Task.FromResult(Concurrency.Statistics!.CurrentQueuedCount == 1), TimeSpan.FromSeconds(30), "the second delivery waiting in the queue");
        heldBody.Release();

        Assert.Equal(HttpStatusCode.OK, (await holding).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
        Assert.Equal(AuthFailureReason.Revoked, (await _host.Http.GetAsync("/api/v1/me", heldToken)).ErrorDescription());
        Assert.Equal(AuthFailureReason.Revoked, (await _host.Http.GetAsync("/api/v1/me", queuedToken)).ErrorDescription());
        Assert.Equal(0, Concurrency.Statistics!.TotalFailedLeases);
    }

    [Theory]
    [InlineData("0", "400")]
    [InlineData("-1", "400")]
    [InlineData("4", "-1")]
    public void A_concurrency_of_zero_or_less_or_a_negative_queue_is_refused_at_start(string maxConcurrency, string queueLimit)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = "https://clerk.example",
            ["AuthCache:Webhooks:MaxConcurrency"] = maxConcurrency,
            ["AuthCache:Webhooks:QueueLimit"] = queueLimit,
        }).Build());
        services.AddAuthCache();

        var error = Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<ClerkWebhookOptions>>().Value);

        Assert.Equal(
            $"AuthCache:Webhooks:MaxConcurrency must be at least 1 (it is {maxConcurrency}) and AuthCache:Webhooks:QueueLimit at least 0 (it is {queueLimit}).",
            error.Message);
    }

    [Fact]
    public void By_default_twice_the_processors_are_processed_at_once_and_400_wait()
    {
        var options = new ClerkWebhookOptions();

        Assert.Equal(2 * Environment.ProcessorCount, options.MaxConcurrency);
        Assert.Equal(400, options.QueueLimit);
    }

    private ((string Subject, string Sid) Session, string Token) Session()
    {
        var subject = "user_" + Guid.NewGuid().ToString("N");
        var sid = "sess_" + Guid.NewGuid().ToString("N");
        return ((subject, sid), _issuer.CreateToken(subject, sid: sid, now: _time.GetUtcNow().UtcDateTime));
    }

    private static HttpRequestMessage WithContent(HttpRequestMessage delivery, StalledContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        delivery.Content = content;
        return delivery;
    }

    /// <summary>A body sent up to its last byte, which follows only on <see cref="Release"/>.</summary>
    private sealed class StalledContent(string body) : HttpContent
    {
        private readonly byte[] _body = System.Text.Encoding.UTF8.GetBytes(body);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body.AsMemory(0, _body.Length - 1));
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync(_body.AsMemory(_body.Length - 1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
