using AuthCache.AspNetCore.Revocation;
using AuthCache.Core.Options;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Primitives;

namespace AuthCache.Tests.AspNetCore.Revocation;

public sealed class RevocationRequestTests
{
    private const string Issuer = "https://issuer-a.example";
    private const string OtherIssuer = "https://issuer-b.example";

    private static readonly AuthCacheOptions OneIssuer = new() { Issuers = [new IssuerOptions { Issuer = Issuer }] };
    private static readonly AuthCacheOptions TwoIssuers = new() { Issuers = [new IssuerOptions { Issuer = Issuer }, new IssuerOptions { Issuer = OtherIssuer }] };

    private static (RevocationTarget? Target, string? Reason) Parse(params (string Name, string[] Values)[] parameters) =>
        ParseWith(OneIssuer, parameters);

    private static (RevocationTarget? Target, string? Reason) ParseWith(AuthCacheOptions settings, params (string Name, string[] Values)[] parameters) =>
        RevocationRequest.Parse(parameters.Select(p => new KeyValuePair<string, StringValues>(p.Name, new StringValues(p.Values))), settings);

    [Fact]
    public void Exactly_one_known_parameter_names_the_target()
    {
        var hash = TokenHash.Compute("some.token.value");

        Assert.Equal(new RevocationTarget(RevocationKind.Session, "sess_1", Issuer), Parse(("sid", ["sess_1"])).Target);
        Assert.Equal(new RevocationTarget(RevocationKind.Subject, "user_1", Issuer), Parse(("SUB", ["user_1"]), ("unrelated", ["x"])).Target);
        Assert.Equal(new RevocationTarget(RevocationKind.TokenHash, hash, null), Parse(("tokenHash", [hash])).Target);
    }

    [Theory]
    [InlineData(RevocationRequest.MissingTarget, new string[0])]
    [InlineData(RevocationRequest.MultipleTargets, new[] { "sid", "sess_1", "sub", "user_1" })]
    [InlineData(RevocationRequest.MultipleTargets, new[] { "sid", "sess_1", "sid", "sess_2" })]
    [InlineData(RevocationTargetRules.EmptyValue, new[] { "sid", "" })]
    [InlineData(RevocationTargetRules.EmptyValue, new[] { "sub", "   " })]
    [InlineData(RevocationTargetRules.InvalidCharacters, new[] { "sid", "sess_1\nforged log line" })]
    [InlineData(RevocationTargetRules.InvalidCharacters, new[] { "sub", "user\u0000" })]
    [InlineData(RevocationTargetRules.InvalidCharacters, new[] { "sub", "user\u202Eevil" })]
    [InlineData(RevocationTargetRules.InvalidTokenHash, new[] { "tokenHash", "not-a-hash" })]
    [InlineData(RevocationTargetRules.InvalidTokenHash, new[] { "tokenHash", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln" })]
    public void Bad_requests_are_refused_with_a_reason_code(string reason, string[] pairs)
    {
        var parameters = pairs.Chunk(2).Select(p => (p[0], new[] { p[1] })).ToArray();

        var (target, refused) = Parse(parameters);

        Assert.Null(target);
        Assert.Equal(reason, refused);
    }

    [Fact]
    public void Over_long_values_and_repeated_values_of_one_parameter_are_refused()
    {
        Assert.Equal(RevocationTargetRules.ValueTooLong, Parse(("sid", [new string('a', RevocationTargetRules.MaxValueLength + 1)])).Reason);
        Assert.Null(Parse(("sid", [new string('a', RevocationTargetRules.MaxValueLength)])).Reason);
        Assert.Equal(RevocationRequest.MultipleTargets, Parse(("sid", ["sess_1", "sess_2"])).Reason);
    }

    [Fact]
    public void Broken_surrogate_pairs_are_refused()
    {
        // Built at run time: attribute arguments cannot carry a lone surrogate.
        Assert.Equal(RevocationTargetRules.InvalidCharacters, Parse(("sub", ["user" + (char)0xD800])).Reason);
        Assert.Equal(RevocationTargetRules.InvalidCharacters, Parse(("sub", [(char)0xDC00 + "user"])).Reason);
    }

    [Fact]
    public void Printable_unicode_identifiers_are_accepted()
    {
        Assert.Equal(new RevocationTarget(RevocationKind.Subject, "usér_😀", Issuer), Parse(("sub", ["usér_😀"])).Target);
    }

    [Fact]
    public void With_several_issuers_a_session_or_subject_names_its_issuer()
    {
        Assert.Equal(RevocationRequest.MissingIssuer, ParseWith(TwoIssuers, ("sid", ["sess_1"])).Reason);
        Assert.Equal(new RevocationTarget(RevocationKind.Session, "sess_1", OtherIssuer), ParseWith(TwoIssuers, ("sid", ["sess_1"]), ("issuer", [OtherIssuer])).Target);
        Assert.Equal(RevocationRequest.UnknownIssuer, ParseWith(TwoIssuers, ("sub", ["user_1"]), ("issuer", ["https://evil.example"])).Reason);
        Assert.Equal(RevocationRequest.UnknownIssuer, ParseWith(OneIssuer, ("sub", ["user_1"]), ("issuer", [Issuer, OtherIssuer])).Reason);
        Assert.Equal(RevocationRequest.UnknownIssuer, ParseWith(OneIssuer, ("sub", ["user_1"]), ("issuer", [OtherIssuer])).Reason);

        var hash = TokenHash.Compute("some.token.value");
        Assert.Equal(new RevocationTarget(RevocationKind.TokenHash, hash, null), ParseWith(TwoIssuers, ("tokenHash", [hash])).Target);
    }
}
