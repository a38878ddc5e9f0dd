using System.Security.Cryptography;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Core.Validation;

/// <summary>
/// Clerk's version 2 organisation claim <c>o</c> read from signed tokens into the claims version 1 carried, the way
/// Clerk's documentation and SDKs decode it; anything else about the token is left as it is.
/// </summary>
public sealed class ClerkOrganizationClaimsTests
{
    private static readonly IssuerOptions Issuer = new() { Issuer = "https://clerk.example.com" };
    private static readonly SigningCredentials Credentials = new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256);

    /// <summary>Clerk's documented example: role admin with dashboard:read, dashboard:manage and teams:read.</summary>
    private static readonly Dictionary<string, object> DocumentedOrganization = new()
    {
        ["id"] = "org_2abc",
        ["slg"] = "acme",
        ["rol"] = "admin",
        ["per"] = "manage,read",
        ["fpm"] = "3,2",
    };

    /// <summary>The claims a cached validation keeps of a token with <paramref name="claims"/>: the token's own, then those added.</summary>
    private static (TokenClaim[] Claims, TokenClaim[] Added, string? Problem) Read(Dictionary<string, object> claims)
    {
        claims.TryAdd("sub", "user_1");
        var token = new JsonWebToken(new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer.Issuer,
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = Credentials,
        }));
        var own = token.Claims.Count();
        var kept = CachedClaimStrings.From(token.Claims, Issuer, token.Subject, out var problem);
        Assert.Equal(token.Claims.Select(c => (c.Type, c.Value)), kept.Take(own).Select(c => (c.Type, c.Value)));
        return (kept, kept[own..], problem);
    }

    private static Dictionary<string, object> Version2(object organization, object? features = null)
    {
        var claims = new Dictionary<string, object> { ["v"] = 2, ["o"] = organization };
        if (features is not null)
        {
            claims["fea"] = features;
        }

        return claims;
    }

    private static string[] Values(TokenClaim[] claims, string type) => claims.Where(c => c.Type == type).Select(c => c.Value).ToArray();

    [Fact]
    public void A_version_2_organisation_becomes_the_claims_of_version_1_with_the_role_prefix_and_one_claim_per_permission()
    {
        var (claims, added, problem) = Read(Version2(DocumentedOrganization, "o:dashboard,o:teams"));

        Assert.Null(problem);
        Assert.Equal(["org_2abc"], Values(claims, "org_id"));
        Assert.Equal(["acme"], Values(claims, "org_slug"));
        Assert.Equal(["org:admin"], Values(claims, "org_role"));
        Assert.Equal(["org:dashboard:manage", "org:dashboard:read", "org:teams:read"], Values(claims, "org_permissions"));
        Assert.All(claims.Where(c => c.Type.StartsWith("org_", StringComparison.Ordinal)), c => Assert.Equal("http://www.w3.org/2001/XMLSchema#string", c.ValueType));

        // The compact claim itself stays, as JwtBearer would keep it.
        Assert.Single(claims, c => c.Type == "o");
        Assert.Equal(6, added.Length);
    }

    [Fact]
    public void Only_features_of_the_organisation_scope_take_a_bitmask_and_an_already_prefixed_role_is_kept()
    {
        var organization = new Dictionary<string, object> { ["id"] = "org_1", ["rol"] = "org:billing_admin", ["per"] = "read,manage,delete", ["fpm"] = "5,2" };

        var (claims, _, problem) = Read(Version2(organization, "u:profile, uo:invoices ,o:reports"));

        Assert.Null(problem);
        Assert.Equal(["org:billing_admin"], Values(claims, "org_role"));
        Assert.Equal(["org:invoices:read", "org:invoices:delete", "org:reports:manage"], Values(claims, "org_permissions"));
        Assert.Empty(Values(claims, "org_slug"));
    }

    [Fact]
    public void Without_per_fpm_or_organisation_features_an_organisation_has_its_id_and_role_but_no_permissions()
    {
        var bare = Read(Version2(new Dictionary<string, object> { ["id"] = "org_1", ["rol"] = "member" }, "o:dashboard"));
        var noFeatures = Read(Version2(DocumentedOrganization));

        Assert.Null(bare.Problem);
        Assert.Equal(["org_1"], Values(bare.Claims, "org_id"));
        Assert.Equal(["org:member"], Values(bare.Claims, "org_role"));
        Assert.Empty(Values(bare.Claims, "org_permissions"));
        Assert.Null(noFeatures.Problem);
        Assert.Equal(["org:admin"], Values(noFeatures.Claims, "org_role"));
        Assert.Empty(Values(noFeatures.Claims, "org_permissions"));
    }

    [Fact]
    public void Version_1_tokens_keep_their_own_organisation_claims_and_get_nothing_added()
    {
        var (claims, added, problem) = Read(new Dictionary<string, object>
        {
            ["org_id"] = "org_1",
            ["org_slug"] = "acme",
            ["org_role"] = "org:admin",
            ["org_permissions"] = new[] { "org:dashboard:read", "org:teams:manage" },
        });

        Assert.Null(problem);
        Assert.Equal(["org:admin"], Values(claims, "org_role"));
        Assert.Equal(["org:dashboard:read", "org:teams:manage"], Values(claims, "org_permissions"));
        Assert.Empty(added);
    }

    [Fact]
    public void An_o_claim_is_read_only_in_a_version_2_token_that_does_not_carry_organisation_claims_itself()
    {
        var noVersion = Read(new Dictionary<string, object> { ["o"] = DocumentedOrganization });
        var versionAsText = Read(new Dictionary<string, object> { ["v"] = "2", ["o"] = DocumentedOrganization });
        var version1 = Read(new Dictionary<string, object> { ["v"] = 1, ["o"] = DocumentedOrganization });
        var ownRole = Read(new Dictionary<string, object> { ["v"] = 2, ["o"] = DocumentedOrganization, ["org_role"] = "org:member" });

        foreach (var (_, added, problem) in new[] { noVersion, versionAsText, version1 })
        {
            Assert.Null(problem);
            Assert.Empty(added);
        }

        Assert.Null(ownRole.Problem);
        Assert.Empty(ownRole.Added);
        Assert.Equal(["org:member"], Values(ownRole.Claims, "org_role"));
    }

    [Fact]
    public void A_version_2_token_without_an_active_organisation_gets_no_organisation_claims_and_no_problem()
    {
        var absent = Read(new Dictionary<string, object> { ["v"] = 2, ["fea"] = "u:profile" });
        var nullOrganization = Read(new Dictionary<string, object> { ["v"] = 2, ["o"] = null! });

        Assert.Null(absent.Problem);
        Assert.Empty(absent.Added);
        Assert.Null(nullOrganization.Problem);
        Assert.Empty(nullOrganization.Added);
    }

    public static TheoryData<string, object, object?, string> MalformedOrganizations() => new()
    {
        { "a string", "org_2abc", null, ClerkOrganizationClaims.NotAnObject },
        { "a number", 42, null, ClerkOrganizationClaims.NotAnObject },
        { "a boolean", true, null, ClerkOrganizationClaims.NotAnObject },
        { "an array of objects", new[] { DocumentedOrganization, DocumentedOrganization }, null, ClerkOrganizationClaims.NotAnObject },
        { "an array of strings", new[] { "org_1" }, null, ClerkOrganizationClaims.NotAnObject },
        { "no id", new Dictionary<string, object> { ["rol"] = "admin" }, null, ClerkOrganizationClaims.WrongType },
        { "an empty id", new Dictionary<string, object> { ["id"] = "", ["rol"] = "admin" }, null, ClerkOrganizationClaims.WrongType },
        { "a numeric id", new Dictionary<string, object> { ["id"] = 7, ["rol"] = "admin" }, null, ClerkOrganizationClaims.WrongType },
        { "a role object", new Dictionary<string, object> { ["id"] = "org_1", ["rol"] = new Dictionary<string, object> { ["name"] = "admin" } }, null, ClerkOrganizationClaims.WrongType },
        { "a slug array", new Dictionary<string, object> { ["id"] = "org_1", ["slg"] = new[] { "acme" } }, null, ClerkOrganizationClaims.WrongType },
        { "permissions as an array", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = new[] { "read" }, ["fpm"] = "1" }, "o:dashboard", ClerkOrganizationClaims.WrongType },
        { "a numeric bitmask list", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "read", ["fpm"] = 1 }, "o:dashboard", ClerkOrganizationClaims.WrongType },
        { "features that are not one string", DocumentedOrganization, new[] { "o:dashboard", "o:teams" }, ClerkOrganizationClaims.WrongType },
        { "a bitmask that is not a number", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "read", ["fpm"] = "x" }, "o:dashboard", ClerkOrganizationClaims.UnreadablePermissions },
        { "a negative bitmask", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "read", ["fpm"] = "-1" }, "o:dashboard", ClerkOrganizationClaims.UnreadablePermissions },
        { "a bit with no permission name", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "manage,read", ["fpm"] = "4" }, "o:dashboard", ClerkOrganizationClaims.UnreadablePermissions },
        { "an empty permission name", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "manage,,read", ["fpm"] = "1" }, "o:dashboard", ClerkOrganizationClaims.UnreadablePermissions },
        { "a feature without a name", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "read", ["fpm"] = "1" }, "o:", ClerkOrganizationClaims.UnreadablePermissions },
        { "a bitmask past 64 bits", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = "read", ["fpm"] = "18446744073709551616" }, "o:dashboard", ClerkOrganizationClaims.UnreadablePermissions },
        { "a huge object", new Dictionary<string, object> { ["id"] = "org_1", ["pad"] = new string('x', ClerkOrganizationClaims.MaxOrganizationLength) }, null, ClerkOrganizationClaims.TooLarge },
        { "more than 64 permission names", new Dictionary<string, object> { ["id"] = "org_1", ["per"] = string.Join(",", Enumerable.Range(0, 65).Select(i => "p" + i)), ["fpm"] = "1" }, "o:dashboard", ClerkOrganizationClaims.TooLarge },
        {
            "more than 256 permissions",
            new Dictionary<string, object> { ["id"] = "org_1", ["per"] = string.Join(",", Enumerable.Range(0, 64).Select(i => "p" + i)), ["fpm"] = "18446744073709551615,18446744073709551615,18446744073709551615,18446744073709551615,1" },
            "o:a,o:b,o:c,o:d,o:e",
            ClerkOrganizationClaims.TooLarge
        },
    };

    [Theory]
    [MemberData(nameof(MalformedOrganizations))]
    public void A_malformed_organisation_claim_yields_no_organisation_claims_and_names_its_problem(string shape, object organization, object? features, string problem)
    {
        var (claims, added, found) = Read(Version2(organization, features));

        Assert.True(problem == found, $"{shape}: expected {problem}, got {found ?? "none"}");
        Assert.Empty(added);
        Assert.Equal(["user_1"], Values(claims, "sub"));
    }

    [Fact]
    public void Exactly_64_permission_names_use_every_bit_of_a_bitmask()
    {
        var names = Enumerable.Range(0, 64).Select(i => "p" + i).ToArray();
        var organization = new Dictionary<string, object> { ["id"] = "org_1", ["per"] = string.Join(",", names), ["fpm"] = "9223372036854775809" };

        var (claims, _, problem) = Read(Version2(organization, "o:all"));

        Assert.Null(problem);
        Assert.Equal(["org:all:p0", "org:all:p63"], Values(claims, "org_permissions"));
    }

    [Fact]
    public void Claim_types_and_clerk_default_roles_are_one_shared_instance_across_tokens()
    {
        var first = Read(Version2(DocumentedOrganization, "o:dashboard,o:teams")).Claims;
        var second = Read(Version2(new Dictionary<string, object>(DocumentedOrganization) { ["id"] = "org_other" }, "o:dashboard")).Claims;

        Assert.Same(first.Single(c => c.Type == "org_role").Value, second.Single(c => c.Type == "org_role").Value);
        foreach (var type in new[] { "org_id", "org_slug", "org_role", "org_permissions" })
        {
            Assert.Same(first.First(c => c.Type == type).Type, second.First(c => c.Type == type).Type);
            Assert.Same(first.First(c => c.Type == type).ValueType, second.First(c => c.Type == type).ValueType);
        }
    }
}
