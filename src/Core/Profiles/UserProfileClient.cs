using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthCache.Core.Diagnostics;
using AuthCache.Core.Http;
using AuthCache.Core.Options;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Profiles;

/// <summary>
/// Reads one user from Clerk's Backend API (<c>GET {BaseUrl}/v1/users/{id}</c>, bearer secret key). Failures
/// return null: a profile is an enrichment, never a reason to fail authentication. The whole exchange, body included,
/// is bounded by <see cref="UserProfileOptions.FetchTimeout"/> and the body by 256 KB however it is sent.
/// </summary>
internal sealed partial class UserProfileClient(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<AuthCacheOptions> options,
    AuthCacheClock clock,
    TimeProvider time,
    AuthCacheMetrics metrics,
    ILogger<UserProfileClient> logger)
{
    public const string HttpClientName = "AuthCache.UserProfiles";
    private const int MaxBodyBytes = 256 * 1024;
    private const string InvalidOutcome = "invalid";

    public async Task<UserProfile?> FetchAsync(string subject, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue.UserProfiles;
        if (!settings.Enabled)
        {
            return null;
        }

        using var activity = AuthCacheActivities.Start(AuthCacheActivities.FetchProfileActivity);
        using var deadline = BoundedHttpExchange.StartDeadline(settings.FetchTimeout, time, cancellationToken);
        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(
                HttpMethod.Get,
                new Uri(new Uri(settings.BaseUrl.TrimEnd('/') + "/"), "v1/users/" + Uri.EscapeDataString(subject)));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.SecretKey);
            using var response = await client.SendAsync(
                request,
                HttpCompletionOption.ResponseHeadersRead,
                deadline.Token);
            activity?.SetTag(
                AuthCacheActivities.StatusClassTag,
                AuthCacheActivities.StatusClass((int)response.StatusCode));
            if (!response.IsSuccessStatusCode)
            {
                return Failed($"HTTP {(int)response.StatusCode}", activity);
            }

            var body = await BoundedHttpExchange.ReadBodyAsync(response.Content, MaxBodyBytes, deadline.Token);
            if (body is null)
            {
                return Failed("response too large", activity);
            }

            using var document = JsonDocument.Parse(body);
            var profile = Read(document.RootElement, subject, clock.UtcNow);
            var outcome = profile is null ? InvalidOutcome : AuthCacheActivities.Success;
            metrics.ProfileFetched(outcome);
            activity?.SetOutcome(outcome, failed: profile is null);
            return profile;
        }
        catch (JsonException)
        {
            return Failed("response is not JSON", activity);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed("timed out", activity);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException or IOException)
        {
            return Failed(ex.GetType().Name, activity);
        }
    }

    private UserProfile? Failed(string error, Activity? activity)
    {
        metrics.ProfileFetched(AuthCacheActivities.Failure);
        activity?.SetOutcome(AuthCacheActivities.Failure, failed: true, error);
        LogFetchFailed(logger, error);
        return null;
    }

    /// <summary>
    /// Maps Clerk's user object; the primary e-mail is the entry whose id is <c>primary_email_address_id</c>.
    /// </summary>
    internal static UserProfile? Read(JsonElement user, string subject, DateTimeOffset now)
    {
        if (user.ValueKind != JsonValueKind.Object || String(user, "id") != subject)
        {
            return null;
        }

        string? email = null;
        var primaryId = String(user, "primary_email_address_id");
        if (user.TryGetProperty("email_addresses", out var addresses) && addresses.ValueKind == JsonValueKind.Array)
        {
            foreach (var address in addresses.EnumerateArray())
            {
                if (address.ValueKind == JsonValueKind.Object
                    && (primaryId is null || String(address, "id") == primaryId))
                {
                    email = String(address, "email_address");
                    break;
                }
            }
        }

        return new UserProfile(
            subject,
            String(user, "username"),
            String(user, "first_name"),
            String(user, "last_name"),
            email,
            String(user, "image_url"),
            now);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Fetching a user profile failed: {Error}.")]
    private static partial void LogFetchFailed(ILogger logger, string error);
}
