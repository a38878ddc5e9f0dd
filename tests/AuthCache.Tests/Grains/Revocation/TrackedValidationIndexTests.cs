using AuthCache.Core.Revocation;
using AuthCache.Grains.Revocation;

namespace AuthCache.Tests.Grains.Revocation;

/// <summary>The silo's index of cached validations by revocation key: one entry per key, a set only when shared.</summary>
public sealed class TrackedValidationIndexTests
{
    private static TrackedValidation Entry(string hash) => new(null!, null!, new RevocationCandidate(hash, ["sess_1"], "user_1", null), []);

    [Fact]
    public void A_key_finds_every_validation_added_under_it_until_each_is_removed()
    {
        var index = new TrackedValidationIndex();
        var first = Entry("h1");
        var second = Entry("h2");
        var third = Entry("h3");

        index.Add("sess_1", first);
        Assert.Equal([first], index.Find("sess_1"));
        index.Add("sess_1", second);
        index.Add("sess_1", third);
        index.Add("sess_1", third);
        Assert.Equal(new HashSet<TrackedValidation> { first, second, third }, index.Find("sess_1").ToHashSet());

        index.Remove("sess_1", second);
        index.Remove("sess_1", first);
        Assert.Equal([third], index.Find("sess_1"));
        index.Remove("sess_1", first);
        Assert.Equal([third], index.Find("sess_1"));
        index.Remove("sess_1", third);
        Assert.Empty(index.Find("sess_1"));
    }

    [Fact]
    public void Removing_a_validation_that_is_not_under_a_key_changes_nothing()
    {
        var index = new TrackedValidationIndex();
        var kept = Entry("h1");
        index.Add("user_1", kept);

        index.Remove("user_1", Entry("h2"));
        index.Remove("user_2", kept);

        Assert.Equal([kept], index.Find("user_1"));
        Assert.Empty(index.Find("user_2"));
    }
}
