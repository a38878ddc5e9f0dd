using System.Text;
using AuthCache.Core;
using AuthCache.Core.Options;
using AuthCache.Core.Profiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Security;

/// <summary>Which issuer's tokens get profiles (<c>AuthCache:UserProfiles:Issuer</c>), and how profile grains are keyed.</summary>
public sealed class ProfileIssuerOptionsTests
{
    private const string One = "https://one.example.com";
    private const string Two = "https://two.example.com";

    [Fact]
    public async Task A_secret_key_with_several_trusted_issuers_and_no_profile_issuer_stops_the_host_at_start()
    {
        var error = await StartFailureAsync(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = One,
            ["AuthCache:Issuers:1:Issuer"] = Two,
            ["AuthCache:UserProfiles:SecretKey"] = "sk_test_x",
        });

        Assert.Contains("set AuthCache:UserProfiles:Issuer to the one whose Clerk instance the secret key belongs to", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{One}, {Two}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_profile_issuer_that_is_not_trusted_stops_the_host_at_start()
    {
        var error = await StartFailureAsync(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = One,
            ["AuthCache:UserProfiles:SecretKey"] = "sk_test_x",
            ["AuthCache:UserProfiles:Issuer"] = Two,
        });

        Assert.Contains($"AuthCache:UserProfiles:Issuer '{Two}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clerk_domain_that_names_an_issuer_that_is_not_trusted_stops_the_host_at_start()
    {
        var error = await StartFailureAsync(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = One,
            ["CLERK_DOMAIN"] = "elsewhere.example.com",
            ["CLERK_SECRET_KEY"] = "sk_test_x",
        });

        Assert.Contains("AuthCache:UserProfiles:Issuer 'https://elsewhere.example.com' (set, or taken from the Clerk domain or publishable key) is not a trusted issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_only_trusted_issuer_gets_the_profiles_when_none_is_named()
    {
        var options = Resolve(new() { ["AuthCache:Issuers:0:Issuer"] = One, ["AuthCache:UserProfiles:SecretKey"] = "sk_test_x" });

        Assert.Equal(One, options.UserProfiles.ResolveIssuer(options.Issuers));
    }

    [Fact]
    public void The_clerk_domain_names_the_profile_issuer_among_several()
    {
        var options = Resolve(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = One,
            ["AuthCache:Issuers:1:Issuer"] = Two,
            ["NEXT_PUBLIC_CLERK_DOMAIN"] = "two.example.com",
            ["CLERK_SECRET_KEY"] = "sk_test_x",
        });

        Assert.Equal(Two, options.UserProfiles.ResolveIssuer(options.Issuers));
    }

    [Fact]
    public void The_publishable_key_names_the_profile_issuer_among_several()
    {
        var options = Resolve(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = One,
            ["AuthCache:Issuers:1:Issuer"] = Two,
            ["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"] = "pk_live_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("one.example.com$")),
            ["AuthCache:UserProfiles:SecretKey"] = "sk_test_x",
        });

        Assert.Equal(One, options.UserProfiles.ResolveIssuer(options.Issuers));
    }

    [Fact]
    public void An_explicit_profile_issuer_wins_over_the_clerk_domain()
    {
        var options = Resolve(new()
        {
            ["AuthCache:Issuers:0:Issuer"] = One,
            ["AuthCache:Issuers:1:Issuer"] = Two,
            ["CLERK_DOMAIN"] = "two.example.com",
            ["AuthCache:UserProfiles:SecretKey"] = "sk_test_x",
            ["AuthCache:UserProfiles:Issuer"] = One,
        });

        Assert.Equal(One, options.UserProfiles.ResolveIssuer(options.Issuers));
    }

    [Theory]
    [InlineData("https://a", "x:y", "https://a:x", "y")]
    [InlineData("https://a|x", "y", "https://a", "x|y")]
    [InlineData("https://a", "1:b", "https://a:1", "b")]
    public void Profile_keys_of_different_issuer_and_subject_pairs_differ_and_read_back(string issuerA, string subjectA, string issuerB, string subjectB)
    {
        var keyA = UserProfileKey.Create(issuerA, subjectA);
        var keyB = UserProfileKey.Create(issuerB, subjectB);

        Assert.NotEqual(keyA, keyB);
        Assert.True(UserProfileKey.TryParse(keyA, out var issuer, out var subject));
        Assert.Equal((issuerA, subjectA), (issuer, subject));
    }

    [Theory]
    [InlineData("user_1")]
    [InlineData("")]
    [InlineData("99:https://a:user_1")]
    [InlineData("9:https://a:")]
    [InlineData("-1:x:y")]
    public void A_key_that_is_not_an_issuer_and_subject_pair_does_not_parse(string key)
    {
        Assert.False(UserProfileKey.TryParse(key, out _, out _));
    }

    private static AuthCacheOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAuthCacheCore();
        return services.BuildServiceProvider().GetRequiredService<IOptions<AuthCacheOptions>>().Value;
    }

    private static async Task<OptionsValidationException> StartFailureAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAuthCacheCore();
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
