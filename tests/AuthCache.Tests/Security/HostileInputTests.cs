using System.Net;
using System.Security.Cryptography;
using System.Text;
using AuthCache.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AuthCache.Tests.Security;

/// <summary>Hostile tokens and random mutations of valid ones: every one rejected, none accepted, none a 5xx.</summary>
[Collection(ApiHostCollection.Name)]
public sealed class HostileInputTests(ApiHostFixture fixture)
{
    private static long Exp => DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();

    private IEnumerable<(string Name, string Token)> Corpus()
    {
        var issuer = fixture.Issuer;
        var valid = issuer.CreateToken("user_hostile");
        var other = issuer.CreateToken("user_other");
        var parts = valid.Split('.');
        var otherParts = other.Split('.');
        var payload = new { iss = issuer.Issuer, sub = "user_hostile", exp = Exp };
        var publicPem = Encoding.ASCII.GetBytes(issuer.Rsa.Rsa.ExportSubjectPublicKeyInfoPem());
        var modulus = issuer.Rsa.Rsa.ExportParameters(false).Modulus!;

        yield return ("alg none, no signature", TestIssuer.Craft(new { alg = "none", typ = "JWT" }, payload, ""));
        yield return ("alg none with signature", TestIssuer.Craft(new { alg = "none" }, payload));
        yield return ("alg None", TestIssuer.Craft(new { alg = "None" }, payload, ""));
        yield return ("HS256 keyed with the RSA public key PEM", TestIssuer.Forge(new { alg = "HS256", kid = "rsa-1" }, payload, input => HMACSHA256.HashData(publicPem, input)));
        yield return ("HS256 keyed with the RSA modulus", TestIssuer.Forge(new { alg = "HS256", kid = "rsa-1" }, payload, input => HMACSHA256.HashData(modulus, input)));
        yield return ("HS512", TestIssuer.Forge(new { alg = "HS512" }, payload, input => HMACSHA512.HashData(publicPem, input)));
        yield return ("PS256 signed by a stranger", TestIssuer.Forge(new { alg = "PS256", kid = "rsa-1" }, payload, input => RSA.Create(2048).SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));
        yield return ("wrong issuer", issuer.CreateToken("user_hostile", issuer: "https://evil.example"));
        yield return ("issuer with a trailing slash", issuer.CreateToken("user_hostile", issuer: issuer.Issuer + "/"));
        yield return ("wrong azp", issuer.CreateToken("user_hostile", azp: "https://evil.example"));
        yield return ("bad signature", issuer.CreateToken("user_hostile", key: TestIssuer.CreateRsaKey("rsa-1")));
        yield return ("foreign signature", parts[0] + "." + parts[1] + "." + otherParts[2]);
        yield return ("nbf in the future", issuer.CreateToken("user_hostile", notBefore: DateTime.UtcNow.AddMinutes(5)));
        yield return ("expired", issuer.CreateToken("user_hostile", now: DateTime.UtcNow.AddHours(-1)));
        yield return ("truncated", valid[..^10]);
        yield return ("truncated to two segments", parts[0] + "." + parts[1]);
        yield return ("oversized", issuer.CreateToken("user_hostile", extraClaims: new Dictionary<string, object> { ["pad"] = new string('x', 17_000) }));
        yield return ("duplicated payload", parts[0] + "." + parts[1] + "." + parts[1] + "." + parts[2]);
        yield return ("header twice", parts[0] + "." + parts[0] + "." + parts[2]);
        yield return ("five segments (JWE shape)", string.Join('.', parts[0], parts[1], parts[2], parts[1], parts[2]));
        yield return ("padded segments", parts[0] + "==." + parts[1] + "." + parts[2]);
        yield return ("standard base64 alphabet", valid.Replace('-', '+').Replace('_', '/'));
        yield return ("whitespace inside", parts[0] + ". " + parts[1] + "." + parts[2]);
        yield return ("crit header", TestIssuer.Forge(new { alg = "RS256", kid = "rsa-1", crit = new[] { "b64" }, b64 = false }, payload, input => issuer.Rsa.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        yield return ("jku header pointing elsewhere", TestIssuer.Forge(new { alg = "RS256", kid = "attacker", jku = "http://127.0.0.1:1/jwks" }, payload, input => RSA.Create(2048).SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        yield return ("embedded jwk header", TestIssuer.Forge(new { alg = "RS256", jwk = new { kty = "RSA", n = "AQAB", e = "AQAB" } }, payload, input => RSA.Create(2048).SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        yield return ("kid too long", TestIssuer.Craft(new { alg = "RS256", kid = new string('k', 300) }, payload));
        yield return ("kid with path traversal", TestIssuer.Craft(new { alg = "RS256", kid = "../../etc/passwd" }, payload));
        yield return ("exp as a string", TestIssuer.Craft(new { alg = "RS256" }, new { iss = issuer.Issuer, exp = "tomorrow" }));
        yield return ("exp huge", TestIssuer.Craft(new { alg = "RS256" }, new { iss = issuer.Issuer, exp = 1e300 }));
        yield return ("exp negative", TestIssuer.Craft(new { alg = "RS256" }, new { iss = issuer.Issuer, exp = -1 }));
        yield return ("payload is an array", TestIssuer.Craft(new { alg = "RS256" }, new[] { 1, 2 }));
        yield return ("header is a string", Base64UrlEncoder.Encode("\"RS256\"") + "." + parts[1] + "." + parts[2]);
        yield return ("not JSON at all", Base64UrlEncoder.Encode("hello") + "." + Base64UrlEncoder.Encode("world") + "." + parts[2]);
        foreach (var text in new[] { "\u0000", "\u001b[31m", "\u202e", "\ud83d\ude00", "\u0130", "\uffff", "\r\nX-Injected: 1" })
        {
            yield return ($"unicode/control in alg {Escape(text)}", TestIssuer.Craft(new { alg = "RS256" + text }, payload));
            yield return ($"unicode/control in kid {Escape(text)}", TestIssuer.Craft(new { alg = "RS256", kid = "rsa-1" + text }, payload));
            yield return ($"unicode/control in typ {Escape(text)}", TestIssuer.Craft(new { alg = "RS256", kid = "rsa-1", typ = text }, payload));
            yield return ($"unicode/control in iss {Escape(text)}", TestIssuer.Craft(new { alg = "RS256" }, new { iss = issuer.Issuer + text, exp = Exp }));
            yield return ($"unicode/control in sub {Escape(text)}", TestIssuer.Craft(new { alg = "RS256", kid = "rsa-1" }, new { iss = issuer.Issuer, sub = text, exp = Exp }));
            yield return ($"unicode/control in azp {Escape(text)}", TestIssuer.Craft(new { alg = "RS256", kid = "rsa-1" }, new { iss = issuer.Issuer, azp = text, exp = Exp }));
            yield return ($"unicode/control raw {Escape(text)}", parts[0] + text + "." + parts[1] + "." + parts[2]);
        }
    }

    private static string Escape(string text) => string.Concat(text.Select(c => $"\\u{(int)c:x4}"));

    [Fact]
    public async Task Every_token_of_the_hostile_corpus_is_rejected_without_a_5xx()
    {
        var accepted = new List<string>();
        foreach (var (name, token) in Corpus())
        {
            var status = await StatusForAsync(token);
            if (status is HttpStatusCode.OK || (int)status >= 500)
            {
                accepted.Add($"{name}: {(int)status}");
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public async Task Random_mutations_of_valid_tokens_are_all_rejected_without_a_5xx()
    {
        var random = new Random(20261129);
        var originals = new[] { fixture.Issuer.CreateToken("user_mutation_rsa"), fixture.Issuer.CreateToken("user_mutation_ec", key: fixture.Issuer.Ec) };
        foreach (var original in originals)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusForAsync(original));
        }

        var failures = new List<string>();
        for (var i = 0; i < 600; i++)
        {
            var original = originals[i % originals.Length];
            var (kind, mutant) = Mutate(original, random);
            if (mutant == original)
            {
                continue;
            }

            var status = await StatusForAsync(mutant);
            if (status is HttpStatusCode.OK || (int)status >= 500)
            {
                failures.Add($"{kind} #{i}: {(int)status}");
            }
        }

        Assert.Empty(failures);
    }

    private async Task<HttpStatusCode> StatusForAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        // TryAddWithoutValidation: the corpus holds characters HttpClient would refuse in a typed header.
        if (!request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token))
        {
            return HttpStatusCode.Unauthorized;
        }

        try
        {
            using var response = await fixture.Http.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Kestrel refusing a header with control characters at the protocol level is a rejection too.
            return HttpStatusCode.BadRequest;
        }
    }

    private static (string Kind, string Token) Mutate(string token, Random random)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var parts = token.Split('.');
        switch (random.Next(7))
        {
            case 0:
            {
                var chars = token.ToCharArray();
                var position = random.Next(chars.Length);
                if (chars[position] == '.')
                {
                    return ("noop", token);
                }

                chars[position] = alphabet[(alphabet.IndexOf(chars[position]) + 1 + random.Next(alphabet.Length - 1)) % alphabet.Length];
                return ("character flip", new string(chars));
            }

            case 1:
            {
                var bytes = Encoding.ASCII.GetBytes(token);
                var position = random.Next(bytes.Length);
                bytes[position] ^= (byte)(1 << random.Next(8));
                return ("bit flip", Encoding.Latin1.GetString(bytes));
            }

            case 2:
                return ("segment swap", random.Next(3) switch
                {
                    0 => string.Join('.', parts[1], parts[0], parts[2]),
                    1 => string.Join('.', parts[0], parts[2], parts[1]),
                    _ => string.Join('.', parts[2], parts[1], parts[0]),
                });
            case 3:
            {
                var segment = random.Next(3);
                var bytes = Base64UrlEncoder.DecodeBytes(parts[segment]);
                parts[segment] = Convert.ToBase64String(bytes);
                return ("re-encoded as padded base64", string.Join('.', parts));
            }

            case 4:
            {
                var position = random.Next(token.Length);
                return ("character deleted", token.Remove(position, 1));
            }

            case 5:
            {
                var position = random.Next(token.Length + 1);
                return ("character inserted", token.Insert(position, alphabet[random.Next(alphabet.Length)].ToString()));
            }

            default:
            {
                var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
                parts[1] = Base64UrlEncoder.Encode(payload.Replace("user_mutation", "user_admin"));
                return ("payload rewritten", string.Join('.', parts));
            }
        }
    }
}
