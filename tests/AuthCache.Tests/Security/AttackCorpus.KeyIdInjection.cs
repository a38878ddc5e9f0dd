namespace AuthCache.Tests.Security;

public static partial class AttackCorpus
{
    /// <summary>
    /// Key ids built to break whatever looks them up (paths, queries, URLs, oversized or control characters) and key
    /// ids of the other trusted issuer. A key id only ever selects among the issuer's own published keys.
    /// </summary>
    private static IEnumerable<AttackCase> KeyIdInjection(CorpusContext context)
    {
        const string section = "kid injection";
        var attacker = context.Fixture.AttackerKey;
        var claims = context.Claims();
        var lookups = new (string Name, string Kid, string Reason)[]
        {
            ("path traversal", "../../../../etc/passwd", UnknownKey),
            ("windows path traversal", "..\\..\\..\\windows\\win.ini", UnknownKey),
            ("device file", "/dev/null", UnknownKey),
            ("file URL", "file:///etc/passwd", UnknownKey),
            ("URL of the attacker's key set", context.Fixture.Trap.JwksUrl, UnknownKey),
            ("SQL tautology", "' OR '1'='1", UnknownKey),
            ("SQL comment after the issuer's kid", "rsa-1' --", UnknownKey),
            ("SQL statement", "rsa-1\"; DROP TABLE keys; --", UnknownKey),
            ("JNDI lookup", "${jndi:ldap://127.0.0.1:1/a}", UnknownKey),
            ("encoded NUL", "rsa-1%00", UnknownKey),
            ("right-to-left override", "rsa-1\u202e", UnknownKey),
            ("the issuer's kid with a trailing space", "rsa-1 ", UnknownKey),
            ("the issuer's kid in another case", "RSA-1", UnknownKey),
            ("257 characters", new string('k', 257), Malformed),
            ("4000 characters", new string('k', 4000), Malformed),
            ("NUL", "\u0000", Malformed),
            ("the issuer's kid then NUL", "rsa-1\u0000", Malformed),
            ("line feed", "rsa-1\n", Malformed),
            ("header injection", "rsa-1\r\nX-Injected: 1", Malformed),
            ("terminal escape", "\u001b[31mrsa-1", Malformed),
            ("DEL", "rsa-1\u007f", Malformed),
        };
        var cases = lookups.SelectMany(l => TokenCases(section, $"kid: {l.Name}", RawToken.Sign(Header("RS256", l.Kid), claims, attacker), l.Reason)).ToList();

        // Real keys of the other issuer: a valid signature, but not by a key of the issuer the token names.
        var fixture = context.Fixture;
        cases.AddRange(TokenCases(
            section,
            "the secondary issuer's kid and key on a primary-issuer token",
            RawToken.Sign(Header("ES256", SecurityApiFixture.SecondaryKeyId), claims, fixture.SecondaryKey),
            UnknownKey));
        cases.AddRange(TokenCases(
            section,
            "the primary issuer's kid and key on a secondary-issuer token",
            RawToken.Sign(Header("RS256", "rsa-1"), context.Claims(context.SecondaryIssuer), fixture.Primary.Rsa),
            UnknownKey));
        cases.AddRange(TokenCases(
            section,
            "the primary issuer's key with path traversal to its kid",
            RawToken.Sign(Header("RS256", "../rsa-1"), claims, fixture.Primary.Rsa),
            UnknownKey));
        cases.AddRange(TokenCases(
            section,
            "a kid so long the token is oversized",
            RawToken.Sign(Header("RS256", new string('k', 17_000)), claims, attacker),
            AuthCache.GrainInterfaces.AuthFailureReason.TokenTooLarge));
        return cases;
    }
}
