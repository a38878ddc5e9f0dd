using System.Security.Cryptography;
using AuthCache.AspNetCore;
using AuthCache.AspNetCore.Webhooks;
using AuthCache.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Core.Options;

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

    private static TimeSpan MaxTokenLifetimeOf(Dictionary<string, string?> settings, string issuer) =>
        Services(settings).GetRequiredService<IOptions<AuthCacheOptions>>().Value.FindIssuer(issuer)!.ResolveMaxTokenLifetime();

    [Fact]
    public void An_issuer_accepts_tokens_living_one_hour_by_default_and_a_clerk_instance_60_seconds()
    {
        const string development = "https://fond-lamb-12.clerk.accounts.dev";
        var fromEnvironment = new Dictionary<string, string?> { ["CLERK_DOMAIN"] = "clerk.example" };

        Assert.Equal(TimeSpan.FromHours(1), MaxTokenLifetimeOf(new() { [IssuerKey] = Issuer }, Issuer));
        Assert.Equal(TimeSpan.FromSeconds(60), MaxTokenLifetimeOf(new() { [IssuerKey] = development }, development));
        Assert.Equal(TimeSpan.FromSeconds(60), MaxTokenLifetimeOf(fromEnvironment, Issuer));
        Assert.Equal(TimeSpan.FromSeconds(60), MaxTokenLifetimeOf(new(fromEnvironment) { [IssuerKey] = Issuer }, Issuer));
    }

    [Fact]
    public void A_configured_max_token_lifetime_wins_over_the_default_of_the_issuers_kind()
    {
        var settings = new Dictionary<string, string?> { ["CLERK_DOMAIN"] = "clerk.example", [IssuerKey] = Issuer, ["AuthCache:Issuers:0:MaxTokenLifetime"] = "00:10:00" };

        Assert.Equal(TimeSpan.FromMinutes(10), MaxTokenLifetimeOf(settings, Issuer));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("1.00:00:01")]
    public void A_max_token_lifetime_of_zero_or_longer_than_a_day_is_refused(string lifetime)
    {
        var services = Services(new() { [IssuerKey] = Issuer, ["AuthCache:Issuers:0:MaxTokenLifetime"] = lifetime });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthCacheOptions>>().Value);
        Assert.Contains("AuthCache:Issuers:0:MaxTokenLifetime", error.Message);
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
