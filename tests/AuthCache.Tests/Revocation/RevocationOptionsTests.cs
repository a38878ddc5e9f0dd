using System.Security.Cryptography;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Revocation;

public sealed class RevocationOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAuthCache();
        return services.BuildServiceProvider();
    }

    private const string IssuerKey = "AuthCache:Issuers:0:Issuer";
    private const string Issuer = "https://clerk.example";

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    [Fact]
    public void Revocations_are_kept_24_hours_by_default_and_the_retention_is_configurable()
    {
        Assert.Equal(TimeSpan.FromHours(24), Services([]).GetRequiredService<IOptions<AuthCacheOptions>>().Value.RevocationRetention);
        Assert.Equal(
            TimeSpan.FromHours(48),
            Services(new() { ["AuthCache:RevocationRetention"] = "2.00:00:00" }).GetRequiredService<IOptions<AuthCacheOptions>>().Value.RevocationRetention);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:01:00")]
    [InlineData("31.00:00:00")]
    public void A_retention_shorter_than_the_token_cache_ttl_or_longer_than_30_days_is_refused(string retention)
    {
        var services = Services(new() { ["AuthCache:RevocationRetention"] = retention });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthCacheOptions>>().Value);
        Assert.Contains("RevocationRetention", error.Message);
    }

    [Fact]
    public void The_webhook_secret_binds_from_the_configuration_or_from_CLERK_WEBHOOK_SECRET_and_explicit_settings_win()
    {
        var explicitSecret = NewSecret();
        var environmentSecret = NewSecret();

        var fromSection = Services(new() { ["AuthCache:Webhooks:ClerkSigningSecret"] = explicitSecret, [IssuerKey] = Issuer });
        var fromEnvironment = Services(new() { ["CLERK_WEBHOOK_SECRET"] = environmentSecret, [IssuerKey] = Issuer });
        var both = Services(new() { ["AuthCache:Webhooks:ClerkSigningSecret"] = explicitSecret, ["CLERK_WEBHOOK_SECRET"] = environmentSecret, [IssuerKey] = Issuer });

        Assert.Equal(explicitSecret, fromSection.GetRequiredService<IOptions<ClerkWebhookOptions>>().Value.ClerkSigningSecret);
        Assert.Equal(environmentSecret, fromEnvironment.GetRequiredService<IOptions<ClerkWebhookOptions>>().Value.ClerkSigningSecret);
        Assert.Equal(explicitSecret, both.GetRequiredService<IOptions<ClerkWebhookOptions>>().Value.ClerkSigningSecret);
        Assert.Null(Services([]).GetRequiredService<IOptions<ClerkWebhookOptions>>().Value.ClerkSigningSecret);
    }

    [Theory]
    [InlineData("whsec_not*base64*at*all")]
    [InlineData("whsec_c2hvcnQ=")]
    public void An_unusable_webhook_secret_is_refused_at_start_without_being_repeated(string secret)
    {
        var services = Services(new() { ["CLERK_WEBHOOK_SECRET"] = secret });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ClerkWebhookOptions>>().Value);
        Assert.Contains("CLERK_WEBHOOK_SECRET", error.Message);
        Assert.DoesNotContain(secret["whsec_".Length..], error.Message);
    }

    [Fact]
    public void Webhooks_revoke_in_the_only_trusted_issuer_or_in_the_one_named_and_several_issuers_need_one_named()
    {
        var secret = NewSecret();
        var one = Services(new() { ["CLERK_WEBHOOK_SECRET"] = secret, [IssuerKey] = Issuer });
        var two = new Dictionary<string, string?> { ["CLERK_WEBHOOK_SECRET"] = secret, [IssuerKey] = Issuer, ["AuthCache:Issuers:1:Issuer"] = "https://other.example" };

        Assert.Equal(Issuer, one.GetRequiredService<IOptions<ClerkWebhookOptions>>().Value.Issuer);
        var unnamed = Assert.Throws<OptionsValidationException>(() => Services(two).GetRequiredService<IOptions<ClerkWebhookOptions>>().Value);
        Assert.Contains("AuthCache:Webhooks:Issuer", unnamed.Message);
        two["AuthCache:Webhooks:Issuer"] = "https://other.example";
        Assert.Equal("https://other.example", Services(two).GetRequiredService<IOptions<ClerkWebhookOptions>>().Value.Issuer);
        two["AuthCache:Webhooks:Issuer"] = "https://unknown.example";
        Assert.Throws<OptionsValidationException>(() => Services(two).GetRequiredService<IOptions<ClerkWebhookOptions>>().Value);
    }
}
