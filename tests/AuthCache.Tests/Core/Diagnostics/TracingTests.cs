using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Validation;
using AuthCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenTelemetry.Trace;

namespace AuthCache.Tests.Core.Diagnostics;

/// <summary>
/// The <c>AuthCache</c> activity source seen by a real <see cref="ActivityListener"/> while a real API host answers
/// over HTTP. Each request starts its own trace (a <c>traceparent</c> header), so spans of other tests do not count.
/// </summary>
[Collection(ApiHostCollection.Name)]
public sealed class TracingTests(ApiHostFixture fixture) : IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly SpanCapture _spans = new(AuthCacheActivities.SourceName, AspNetCoreSource);

    public void Dispose() => _spans.Dispose();

    [Fact]
    public async Task A_first_request_traces_its_resolution_validation_key_fetch_and_profile_fetch_under_the_request_span()
    {
        // A host of its own: the shared host's keys are long fetched, and its issuer's fetch counts belong to other tests.
        await using var issuer = await TestIssuer.StartAsync();
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["AuthCache:UserProfiles:BaseUrl"] = issuer.BaseUrl,
            ["AuthCache:UserProfiles:SecretKey"] = TestIssuer.ClerkSecretKey,
            ["AuthCache:UserProfiles:Issuer"] = issuer.Issuer,
        });
        await Poll.UntilAsync(() => Task.FromResult(issuer.JwksFetches > 0), TimeSpan.FromSeconds(30), "the silo loads the issuer's keys at start");

        // A key the cluster has not seen yet: this request's validation fetches the keys again.
        var rotated = TestIssuer.CreateRsaKey("rsa-traced");
        issuer.Publish(rotated);
        var subject = NewSubject();
        var (response, caller) = await SendTracedAsync(host.Http, issuer.CreateToken(subject, key: rotated));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var spans = await SpansAsync(caller.TraceId, AuthCacheActivities.ResolveActivity, AuthCacheActivities.ValidateTokenActivity, AuthCacheActivities.FetchJwksActivity, AuthCacheActivities.FetchProfileActivity);

        // The issuer is an ASP.NET Core application too: its requests join the trace, below the fetches.
        var request = Assert.Single(spans, s => s.ParentSpanId == caller.SpanId);
        Assert.Equal(AspNetCoreSource, request.Source.Name);
        var resolve = Single(spans, AuthCacheActivities.ResolveActivity);
        Assert.Equal(request.SpanId, resolve.ParentSpanId);
        Assert.Equal("cluster", resolve.GetTagItem(AuthCacheActivities.SourceTag));
        Assert.Equal("valid", resolve.GetTagItem(AuthCacheActivities.OutcomeTag));
        Assert.Equal(ActivityStatusCode.Unset, resolve.Status);

        var validate = Single(spans, AuthCacheActivities.ValidateTokenActivity);
        Assert.Equal(issuer.Issuer, validate.GetTagItem(AuthCacheActivities.IssuerTag));
        Assert.Equal("valid", validate.GetTagItem(AuthCacheActivities.OutcomeTag));
        Assert.True(IsDescendantOf(validate, resolve, spans), "the validation in the grain is a child of the host's resolution");

        var fetchJwks = Single(spans, AuthCacheActivities.FetchJwksActivity);
        Assert.Equal(issuer.Issuer, fetchJwks.GetTagItem(AuthCacheActivities.IssuerTag));
        Assert.Equal("success", fetchJwks.GetTagItem(AuthCacheActivities.OutcomeTag));
        Assert.Equal(3, fetchJwks.GetTagItem(AuthCacheActivities.KeyCountTag));
        Assert.True(IsDescendantOf(fetchJwks, validate, spans), "the key fetch is a child of the validation that needed it");

        var fetchProfile = Single(spans, AuthCacheActivities.FetchProfileActivity);
        Assert.Equal("success", fetchProfile.GetTagItem(AuthCacheActivities.OutcomeTag));
        Assert.Equal("2xx", fetchProfile.GetTagItem(AuthCacheActivities.StatusClassTag));
        Assert.All(spans.Where(s => s.Source.Name == AuthCacheActivities.SourceName), span => Assert.Equal(ActivityKind.Internal, span.Kind));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("http://127.0.0.1:4317", true)]
    public async Task The_API_host_records_traces_only_when_an_OTLP_endpoint_is_configured(string? endpoint, bool traced)
    {
        await using var host = await ApiHostInstance.StartAsync("Production", new Dictionary<string, string?>
        {
            ["AuthCache:Issuers:0:Issuer"] = fixture.Issuer.Issuer,
            ["AuthCache:Issuers:0:RequireHttps"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
        });

        Assert.Equal(traced, host.App.Services.GetService<TracerProvider>() is not null);
    }

    [Fact]
    public async Task A_repeated_token_is_traced_as_a_cache_hit_without_a_validation_span()
    {
        var token = fixture.Issuer.CreateToken(NewSubject());
        var (first, _) = await SendTracedAsync(fixture.Http, token);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var (second, caller) = await SendTracedAsync(fixture.Http, token);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var spans = await SpansAsync(caller.TraceId, AuthCacheActivities.ResolveActivity);
        var resolve = Single(spans, AuthCacheActivities.ResolveActivity);
        Assert.Contains(resolve.GetTagItem(AuthCacheActivities.SourceTag), new object[] { "near_cache", "cluster" });
        Assert.Equal("valid", resolve.GetTagItem(AuthCacheActivities.OutcomeTag));
        Assert.Equal(fixture.Issuer.Issuer, resolve.GetTagItem(AuthCacheActivities.IssuerTag));
        Assert.DoesNotContain(spans, s => s.OperationName is AuthCacheActivities.ValidateTokenActivity or AuthCacheActivities.FetchJwksActivity or AuthCacheActivities.FetchProfileActivity);
    }

    [Fact]
    public async Task A_forged_signature_is_traced_as_an_error_with_its_reason_code()
    {
        var forged = fixture.Issuer.CreateToken(NewSubject(), key: TestIssuer.CreateRsaKey(fixture.Issuer.Rsa.KeyId!));

        var (response, caller) = await SendTracedAsync(fixture.Http, forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var spans = await SpansAsync(caller.TraceId, AuthCacheActivities.ResolveActivity, AuthCacheActivities.ValidateTokenActivity);
        foreach (var name in new[] { AuthCacheActivities.ResolveActivity, AuthCacheActivities.ValidateTokenActivity })
        {
            var span = Single(spans, name);
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("bad_signature", span.StatusDescription);
            Assert.Equal("bad_signature", span.GetTagItem(AuthCacheActivities.OutcomeTag));
        }

        Assert.Equal(fixture.Issuer.Issuer, Single(spans, AuthCacheActivities.ValidateTokenActivity).GetTagItem(AuthCacheActivities.IssuerTag));
    }

    [Fact]
    public async Task An_expired_token_is_traced_as_a_precheck_error_with_its_reason_code()
    {
        var expired = fixture.Issuer.CreateToken(NewSubject(), now: DateTime.UtcNow.AddHours(-1));

        var (response, caller) = await SendTracedAsync(fixture.Http, expired);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var spans = await SpansAsync(caller.TraceId, AuthCacheActivities.ResolveActivity);
        var resolve = Single(spans, AuthCacheActivities.ResolveActivity);
        Assert.Equal(ActivityStatusCode.Error, resolve.Status);
        Assert.Equal("expired", resolve.StatusDescription);
        Assert.Equal("precheck", resolve.GetTagItem(AuthCacheActivities.SourceTag));
        Assert.DoesNotContain(spans, s => s.OperationName == AuthCacheActivities.ValidateTokenActivity);
    }

    [Fact]
    public async Task No_span_carries_the_token_its_hash_the_subject_or_the_session()
    {
        var subject = NewSubject();
        var sid = "sess_" + Guid.NewGuid().ToString("N");
        var token = fixture.Issuer.CreateToken(subject, sid: sid);
        var forged = fixture.Issuer.CreateToken(subject, sid: sid, key: TestIssuer.CreateRsaKey(fixture.Issuer.Rsa.KeyId!));
        var secrets = new List<string> { subject, sid };
        foreach (var t in new[] { token, forged })
        {
            secrets.AddRange([t, TokenHash.Compute(t), Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(t))), Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(t)))]);
        }

        var traces = new List<ActivityTraceId>();
        foreach (var t in new[] { token, token, forged })
        {
            var (_, caller) = await SendTracedAsync(fixture.Http, t);
            traces.Add(caller.TraceId);
        }

        var spans = new List<Activity>();
        foreach (var traceId in traces)
        {
            spans.AddRange(await SpansAsync(traceId, AuthCacheActivities.ResolveActivity));
        }

        var authCacheSpans = spans.Where(s => s.Source.Name == AuthCacheActivities.SourceName).ToArray();
        Assert.Contains(authCacheSpans, s => s.OperationName == AuthCacheActivities.ValidateTokenActivity);
        foreach (var span in authCacheSpans)
        {
            var texts = span.TagObjects.Select(t => t.Key + "=" + t.Value).Append(span.DisplayName).Append(span.StatusDescription ?? "")
                .Concat(span.Baggage.Select(b => b.Key + "=" + b.Value));
            foreach (var text in texts)
            {
                Assert.DoesNotContain(secrets, secret => text.Contains(secret, StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    private static string NewSubject() => "user_trace_" + Guid.NewGuid().ToString("N");

    private static async Task<(HttpResponseMessage Response, ActivityContext Caller)> SendTracedAsync(HttpClient http, string token)
    {
        var (caller, traceParent) = SpanCapture.NewTrace();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        return (await http.SendAsync(request), caller);
    }

    /// <summary>The trace's spans once its request span and the named spans have all finished.</summary>
    private async Task<IReadOnlyList<Activity>> SpansAsync(ActivityTraceId traceId, params string[] names)
    {
        IReadOnlyList<Activity> spans = [];
        await Poll.UntilAsync(
            () =>
            {
                spans = _spans.Of(traceId);
                return Task.FromResult(spans.Any(s => s.Source.Name == AspNetCoreSource) && names.All(n => spans.Any(s => s.OperationName == n)));
            },
            TimeSpan.FromSeconds(15),
            "the request's spans: " + string.Join(", ", names));
        return spans;
    }

    private static Activity Single(IReadOnlyList<Activity> spans, string name) => Assert.Single(spans, s => s.OperationName == name);

    private static bool IsDescendantOf(Activity span, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }

            parent = spans.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default;
        }

        return false;
    }
}
