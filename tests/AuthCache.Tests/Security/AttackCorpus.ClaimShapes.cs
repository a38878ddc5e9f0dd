using System.Globalization;

namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// Tokens signed by the issuer's real key whose JSON two parsers could read differently: a member name twice (one
    /// parser takes the first, another the last). A signature vouches for bytes, not for a reading of them, so they
    /// are refused whole.
    /// </summary>
    private static IEnumerable<AttackCase> DuplicateMemberNames(CorpusContext context)
    {
        const string section = "duplicate JSON member names";
        var key = context.Fixture.Primary.Rsa;
        var issuer = Quote(context.PrimaryIssuer);
        var header = Header("RS256", "rsa-1");
        var now = context.Now;
        var tokens = new (string Name, string Header, string Claims, string Reason)[]
        {
            ("two sub", header, context.Claims(subject: "user_admin", extra: ",\"sub\":\"user_attack\""), Malformed),
            ("two iss, the trusted one last", header, context.Claims(issuer: "https://evil.example", extra: $",\"iss\":{issuer}"), Malformed),
            ("two iss, the trusted one first", header, context.Claims(extra: ",\"iss\":\"https://evil.example\""), AuthCache.GrainInterfaces.AuthFailureReason.UnknownIssuer),
            ("two exp, the expired one first", header, Invariant($$"""{"iss":{{issuer}},"sub":"user_attack","exp":{{now - 3600}},"iat":{{now}},"exp":{{now + 600}}}"""), Malformed),
            ("two alg, none first", """{"alg":"none","alg":"RS256","kid":"rsa-1"}""", context.Claims(), Malformed),
            ("two alg, none last", """{"alg":"RS256","alg":"none","kid":"rsa-1"}""", context.Claims(), AlgNotAllowed),
            ("two kid", """{"alg":"RS256","kid":"unknown","kid":"rsa-1"}""", context.Claims(), Malformed),
            ("two role, admin last", header, context.Claims(extra: ",\"role\":\"member\",\"role\":\"admin\""), Malformed),
            ("sub twice, once with an escaped name", header, context.Claims(subject: "user_admin", extra: ",\"s\\u0075b\":\"user_attack\""), Malformed),
            ("a duplicate inside a nested claim", header, context.Claims(extra: ",\"metadata\":{\"role\":\"member\",\"role\":\"admin\"}"), Malformed),
        };
        return tokens.SelectMany(t => TokenCases(section, t.Name, RawToken.Sign(t.Header, t.Claims, key), t.Reason)).ToArray();
    }

    /// <summary>
    /// Tokens signed by the issuer's real key whose registered claims have the wrong JSON type (RFC 7519: NumericDate
    /// is a number, StringOrURI a string), or whose header or claims set is not an object; and an <c>iat</c> in the
    /// future, which no issuer with a sane clock writes.
    /// </summary>
    private static IEnumerable<AttackCase> WrongClaimTypes(CorpusContext context)
    {
        const string section = "claims of the wrong JSON type";
        var key = context.Fixture.Primary.Rsa;
        var issuer = Quote(context.PrimaryIssuer);
        var header = Header("RS256", "rsa-1");
        var now = context.Now;
        string ClaimsWith(string members) => Invariant($$"""{"iss":{{issuer}},"sub":"user_attack",{{members}}}""");
        var exp = Invariant($"\"exp\":{now + 600}");
        var tokens = new (string Name, string Header, string Claims, string Reason)[]
        {
            ("exp a numeric string", header, ClaimsWith(Invariant($"\"exp\":\"{now + 600}\"")), Malformed),
            ("exp a date string", header, ClaimsWith("\"exp\":\"2099-01-01T00:00:00Z\""), Malformed),
            ("exp true", header, ClaimsWith("\"exp\":true"), Malformed),
            ("exp null", header, ClaimsWith("\"exp\":null"), Malformed),
            ("exp an array", header, ClaimsWith(Invariant($"\"exp\":[{now + 600}]")), Malformed),
            ("exp an object", header, ClaimsWith(Invariant($"\"exp\":{{\"value\":{now + 600}}}")), Malformed),
            ("nbf a numeric string", header, ClaimsWith(Invariant($"{exp},\"nbf\":\"{now}\"")), Malformed),
            ("iat a numeric string", header, ClaimsWith(Invariant($"{exp},\"iat\":\"{now}\"")), Malformed),
            ("iss an array", header, Invariant($$"""{"iss":[{{issuer}}],"sub":"user_attack",{{exp}}}"""), Malformed),
            ("iss a number", header, Invariant($$"""{"iss":42,"sub":"user_attack",{{exp}}}"""), Malformed),
            ("sub an object", header, Invariant($$"""{"iss":{{issuer}},"sub":{"id":"user_admin"},{{exp}}}"""), Malformed),
            ("sub an array", header, Invariant($$"""{"iss":{{issuer}},"sub":["user_admin","user_attack"],{{exp}}}"""), Malformed),
            ("sub a number", header, Invariant($$"""{"iss":{{issuer}},"sub":12345,{{exp}}}"""), Malformed),
            ("sub true", header, Invariant($$"""{"iss":{{issuer}},"sub":true,{{exp}}}"""), Malformed),
            ("sid a number", header, ClaimsWith(Invariant($"{exp},\"sid\":42")), Malformed),
            ("sid an object", header, ClaimsWith(Invariant($"{exp},\"sid\":{{\"id\":\"sess_1\"}}")), Malformed),
            ("azp an array", header, ClaimsWith(Invariant($"{exp},\"azp\":[\"https://app.example\"]")), Malformed),
            ("aud a number", header, ClaimsWith(Invariant($"{exp},\"aud\":7")), Malformed),
            ("aud an array holding a number", header, ClaimsWith(Invariant($"{exp},\"aud\":[\"api\",7]")), Malformed),
            ("kid a number", """{"alg":"RS256","kid":1}""", ClaimsWith(exp), Malformed),
            ("alg an array", """{"alg":["RS256"],"kid":"rsa-1"}""", ClaimsWith(exp), Malformed),
            ("typ a number", """{"alg":"RS256","kid":"rsa-1","typ":1}""", ClaimsWith(exp), Malformed),
            ("header an array", """["RS256","rsa-1"]""", ClaimsWith(exp), Malformed),
            ("claims set a string", header, Quote(ClaimsWith(exp)), Malformed),
            ("iat an hour in the future", header, ClaimsWith(Invariant($"{exp},\"iat\":{now + 3600}")), AuthCache.GrainInterfaces.AuthFailureReason.NotYetValid),
            ("iat two minutes in the future", header, ClaimsWith(Invariant($"{exp},\"iat\":{now + 120}")), AuthCache.GrainInterfaces.AuthFailureReason.NotYetValid),
        };
        return tokens.SelectMany(t => TokenCases(section, t.Name, RawToken.Sign(t.Header, t.Claims, key), t.Reason)).ToArray();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
