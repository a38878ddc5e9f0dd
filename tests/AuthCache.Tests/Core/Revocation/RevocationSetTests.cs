using AuthCache.Core.Revocation;
using AuthCache.GrainInterfaces;
using Xunit.Abstractions;

namespace AuthCache.Tests.Core.Revocation;

public sealed class RevocationSetTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset RevokedAt = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Issuer = "https://issuer-a.example";
    private const string OtherIssuer = "https://issuer-b.example";

    private static readonly RevocationPolicy Policy = new(
        TimeSpan.FromSeconds(5),
        new Dictionary<string, TimeSpan> { [Issuer] = TimeSpan.FromHours(1), [OtherIssuer] = TimeSpan.FromHours(2) });

    private static readonly TimeSpan Retention = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(5);

    private static RevocationCandidate Token(string hash = "hash-1", string? sid = "sess_1", string? sub = "user_1", DateTimeOffset? issuedAt = null, string issuer = Issuer) =>
        new(hash, sid is null ? [] : [sid], sub, issuedAt, issuer);

    private static RevocationRecord Record(RevocationKind kind, string value, DateTimeOffset revokedAt) =>
        new(kind, value, revokedAt, kind == RevocationKind.TokenHash ? null : Issuer);

    private static RevocationSet SetWith(RevocationKind kind, string value)
    {
        var set = new RevocationSet();
        Assert.True(set.Add(Record(kind, value, RevokedAt)));
        return set;
    }

    [Fact]
    public void A_session_revocation_rejects_every_token_of_the_session_whenever_it_was_issued()
    {
        var set = SetWith(RevocationKind.Session, "sess_1");
        var now = RevokedAt.AddMinutes(10);

        Assert.True(set.IsRevoked(Token(issuedAt: RevokedAt.AddMinutes(-1)), now, Policy));
        Assert.True(set.IsRevoked(Token(issuedAt: RevokedAt.AddMinutes(5)), now, Policy));
        Assert.False(set.IsRevoked(Token(sid: "sess_2"), now, Policy));
    }

    [Fact]
    public void A_subject_revocation_rejects_tokens_issued_up_to_it_and_accepts_later_ones()
    {
        var set = SetWith(RevocationKind.Subject, "user_1");
        var now = RevokedAt.AddMinutes(10);

        Assert.True(set.IsRevoked(Token(issuedAt: RevokedAt.AddMinutes(-1)), now, Policy));
        Assert.True(set.IsRevoked(Token(issuedAt: RevokedAt), now, Policy));
        Assert.False(set.IsRevoked(Token(issuedAt: RevokedAt.AddMinutes(1)), now, Policy));
        Assert.False(set.IsRevoked(Token(sub: "user_2", issuedAt: RevokedAt.AddMinutes(-1)), now, Policy));
    }

    [Fact]
    public void A_token_issued_within_the_clock_skew_after_a_subject_revocation_is_still_rejected()
    {
        var set = SetWith(RevocationKind.Subject, "user_1");

        Assert.True(set.IsRevoked(Token(issuedAt: RevokedAt.AddSeconds(5)), RevokedAt.AddMinutes(1), Policy));
        Assert.False(set.IsRevoked(Token(issuedAt: RevokedAt.AddSeconds(6)), RevokedAt.AddMinutes(1), Policy));
    }

    [Fact]
    public void A_token_without_iat_counts_as_issued_before_a_subject_revocation()
    {
        var set = SetWith(RevocationKind.Subject, "user_1");

        Assert.True(set.IsRevoked(Token(issuedAt: null), RevokedAt.AddHours(1), Policy));
    }

    [Fact]
    public void A_token_hash_revocation_rejects_that_token_only()
    {
        var set = SetWith(RevocationKind.TokenHash, "hash-1");

        Assert.True(set.IsRevoked(Token(hash: "hash-1"), RevokedAt.AddMinutes(1), Policy));
        Assert.False(set.IsRevoked(Token(hash: "hash-2"), RevokedAt.AddMinutes(1), Policy));
    }

    [Fact]
    public void A_revocation_counts_for_its_issuers_max_token_lifetime_plus_the_clock_skew_and_is_then_pruned()
    {
        var set = SetWith(RevocationKind.Session, "sess_1");

        Assert.True(set.IsRevoked(Token(), RevokedAt + Retention - TimeSpan.FromTicks(1), Policy));
        Assert.False(set.IsRevoked(Token(), RevokedAt + Retention, Policy));
        Assert.Equal(0, set.Prune(RevokedAt + Retention - TimeSpan.FromTicks(1), Policy));
        Assert.Equal(1, set.Prune(RevokedAt + Retention, Policy));
        Assert.Equal(0, set.Count);
    }

    [Fact]
    public void A_token_hash_revocation_names_no_issuer_and_is_kept_for_the_longest_lifetime_of_any_issuer()
    {
        var set = SetWith(RevocationKind.TokenHash, "hash-1");
        var longest = TimeSpan.FromHours(2) + TimeSpan.FromSeconds(5);

        Assert.Equal(RevokedAt + longest, Policy.KeptUntil(Record(RevocationKind.TokenHash, "hash-1", RevokedAt)));
        Assert.True(set.IsRevoked(Token(hash: "hash-1"), RevokedAt + longest - TimeSpan.FromTicks(1), Policy));
        Assert.Equal(0, set.Prune(RevokedAt + Retention, Policy));
        Assert.Equal(1, set.Prune(RevokedAt + longest, Policy));
    }

    [Fact]
    public void A_revocation_of_an_issuer_no_longer_configured_is_kept_for_the_longest_lifetime()
    {
        var gone = new RevocationRecord(RevocationKind.Subject, "user_1", RevokedAt, "https://removed.example");

        Assert.Equal(RevokedAt + TimeSpan.FromHours(2) + TimeSpan.FromSeconds(5), Policy.KeptUntil(gone));
    }

    [Fact]
    public void A_later_revocation_of_the_same_subject_moves_its_time_forward_and_an_earlier_one_changes_nothing()
    {
        var set = SetWith(RevocationKind.Subject, "user_1");

        Assert.False(set.Add(Record(RevocationKind.Subject, "user_1", RevokedAt.AddMinutes(-5))));
        Assert.True(set.Add(Record(RevocationKind.Subject, "user_1", RevokedAt.AddMinutes(5))));

        Assert.Equal(RevokedAt.AddMinutes(5), set.Find(RevocationKind.Subject, Issuer, "user_1")!.RevokedAt);
        Assert.True(set.IsRevoked(Token(issuedAt: RevokedAt.AddMinutes(3)), RevokedAt.AddMinutes(10), Policy));
    }

    [Fact]
    public void Covers_applies_one_record_with_the_same_rules_as_the_set()
    {
        var subject = Record(RevocationKind.Subject, "user_1", RevokedAt);
        var now = RevokedAt.AddMinutes(1);

        Assert.True(RevocationSet.Covers(subject, Token(issuedAt: RevokedAt.AddMinutes(-1)), now, Policy));
        Assert.False(RevocationSet.Covers(subject, Token(issuedAt: RevokedAt.AddMinutes(1)), now, Policy));
        Assert.True(RevocationSet.Covers(Record(RevocationKind.Session, "sess_1", RevokedAt), Token(), now, Policy));
        Assert.False(RevocationSet.Covers(Record(RevocationKind.Session, "sess_1", RevokedAt), Token(), RevokedAt + Retention, Policy));
    }

    [Theory]
    [InlineData("1893499200", true)]
    [InlineData("1893499200.75", true)]
    [InlineData("not-a-number", false)]
    [InlineData("-5", false)]
    [InlineData("1e300", false)]
    public void The_iat_claim_is_read_as_a_numeric_date_and_anything_unreadable_counts_as_missing(string iat, bool readable)
    {
        var result = new TokenValidationOutcome(
            true, null, "https://issuer.example", "user_1",
            [new TokenClaim("sid", "sess_1", "string"), new TokenClaim("sid", "sess_2", "string"), new TokenClaim("iat", iat, "integer")],
            null, null, null, false);

        var candidate = RevocationCandidate.From("hash-1", result);

        Assert.Equal(["sess_1", "sess_2"], candidate.SessionIds);
        Assert.Equal("user_1", candidate.Subject);
        Assert.Equal(readable ? DateTimeOffset.FromUnixTimeSeconds(1893499200) : null, candidate.IssuedAt);
    }

    [Fact]
    public void A_session_or_subject_of_one_issuer_is_not_the_same_name_at_another_issuer()
    {
        var now = RevokedAt.AddMinutes(1);
        var sessions = SetWith(RevocationKind.Session, "sess_1");
        var subjects = SetWith(RevocationKind.Subject, "user_1");

        Assert.True(sessions.IsRevoked(Token(), now, Policy));
        Assert.False(sessions.IsRevoked(Token(issuer: OtherIssuer), now, Policy));
        Assert.False(subjects.IsRevoked(Token(sid: null, issuedAt: RevokedAt.AddMinutes(-1), issuer: OtherIssuer), now, Policy));
        Assert.False(RevocationSet.Covers(Record(RevocationKind.Subject, "user_1", RevokedAt), Token(issuer: OtherIssuer), now, Policy));
    }

    [Fact]
    public void A_token_hash_is_revoked_whatever_the_tokens_issuer()
    {
        var set = SetWith(RevocationKind.TokenHash, "hash-1");

        Assert.True(set.IsRevoked(Token(sid: null, sub: null, issuer: OtherIssuer), RevokedAt.AddMinutes(1), Policy));
    }

    [Fact]
    public void A_copy_holds_a_session_revocation_in_a_few_hundred_bytes()
    {
        const int count = 10_000;
        var set = new RevocationSet();
        Assert.True(set.Add(Record(RevocationKind.Session, "sess_warm", RevokedAt)));

        // Everything this thread allocates to hold the records: values as they arrive (Clerk session ids), the records
        // themselves, and the set's growth. What stays is less (the records and the outgrown tables go).
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            set.Add(new RevocationRecord(RevocationKind.Session, "sess_" + i.ToString("x27"), RevokedAt.AddMilliseconds(i), Issuer));
        }

        var perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
        output.WriteLine($"{perRecord} bytes allocated per session revocation held ({count} records).");
        Assert.Equal(count + 1, set.Count);
        Assert.InRange(perRecord, 100, 1024);
    }
}
