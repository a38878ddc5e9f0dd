using System.Globalization;
using System.Text.Json;
using AuthCache.GrainInterfaces;

namespace AuthCache.Tests.Security;

/// <summary>
/// The hostile tokens and requests that <see cref="AttackCorpusTests"/> sends to a real API host, as data: one
/// section per kind of attack, each a list of named cases with the status and reason they must get. Tokens are
/// minted here with the libraries the tests use anyway (IdentityModel, System.Security.Cryptography).
/// </summary>
public static partial class AttackCorpus
{
    public const string CachedPath = "/api/v1/me";
    public const string DirectPath = "/api/v1/direct/me";

    public static IReadOnlyList<AttackCase> Build(SecurityApiFixture fixture)
    {
        var context = new CorpusContext(fixture, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return
        [
            .. AlgorithmConfusion(context),
            .. Algorithms(context),
            .. EmbeddedKeyHeaders(context),
            .. KeyIdInjection(context),
            .. PsychicSignatures(context),
            .. DerEncodedSignatures(context),
            .. DuplicateMemberNames(context),
            .. WrongClaimTypes(context),
            .. CrossSiteAdminRequests(context),
            .. WebhookForgeries(context),
            .. RetiredKeys(context),
        ];
    }

    /// <summary>What every section needs: the fixture and one "now" for all the claims it writes.</summary>
    private sealed record CorpusContext(SecurityApiFixture Fixture, long Now)
    {
        public string PrimaryIssuer => Fixture.Primary.Issuer;

        public string SecondaryIssuer => Fixture.Secondary.Issuer;

        /// <summary>A claims set that would be valid for <paramref name="issuer"/>, with <paramref name="extra"/> members appended verbatim.</summary>
        public string Claims(string? issuer = null, string subject = "user_attack", string extra = "") =>
            string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"iss":{{Quote(issuer ?? PrimaryIssuer)}},"sub":{{Quote(subject)}},"sid":"sess_attack","iat":{{Now}},"nbf":{{Now}},"exp":{{Now + 600}}{{extra}}}""");
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    private static string Header(string alg, string? kid = null, string extra = "") =>
        kid is null ? $$"""{"alg":{{Quote(alg)}},"typ":"JWT"{{extra}}}""" : $$"""{"alg":{{Quote(alg)}},"kid":{{Quote(kid)}},"typ":"JWT"{{extra}}}""";

    /// <summary>The same hostile token against the cached scheme and the direct scheme: both must refuse it alike.</summary>
    private static IEnumerable<AttackCase> TokenCases(string section, string name, string token, string reason, int status = 401)
    {
        yield return new AttackCase(section, name + " (cached scheme)", status, reason, () => Bearer(token, CachedPath), token);
        yield return new AttackCase(section, name + " (direct scheme)", status, reason, () => Bearer(token, DirectPath), token);
    }

    private static HttpRequestMessage Bearer(string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return request;
    }

    private const string AlgNotAllowed = AuthFailureReason.AlgorithmNotAllowed;
    private const string BadSignature = AuthFailureReason.BadSignature;
    private const string UnknownKey = AuthFailureReason.UnknownKey;
    private const string Malformed = AuthFailureReason.Malformed;
}
