using AuthCache.AspNetCore.Revocation;
using AuthCache.Core.Validation;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Primitives;

namespace AuthCache.Tests.Revocation;

public sealed class RevocationRequestTests
{
    private static (RevocationTarget? Target, string? Reason) Parse(params (string Name, string[] Values)[] parameters) =>
        RevocationRequest.Parse(parameters.Select(p => new KeyValuePair<string, StringValues>(p.Name, new StringValues(p.Values))));

    [Fact]
    public void Exactly_one_known_parameter_names_the_target()
    {
        var hash = TokenHash.Compute("some.token.value");

        Assert.Equal(new RevocationTarget(RevocationKind.Session, "sess_1"), Parse(("sid", ["sess_1"])).Target);
        Assert.Equal(new RevocationTarget(RevocationKind.Subject, "user_1"), Parse(("SUB", ["user_1"]), ("unrelated", ["x"])).Target);
        Assert.Equal(new RevocationTarget(RevocationKind.TokenHash, hash), Parse(("tokenHash", [hash])).Target);
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
        Assert.Equal(new RevocationTarget(RevocationKind.Subject, "usér_😀"), Parse(("sub", ["usér_😀"])).Target);
    }
}
