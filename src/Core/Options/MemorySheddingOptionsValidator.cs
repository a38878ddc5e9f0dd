using Microsoft.Extensions.Options;

namespace AuthCache.Core.Options;

/// <summary>
/// Refuses to start with a shedding limit, target or polling period Orleans would reject or that could never hold.
/// </summary>
internal sealed class MemorySheddingOptionsValidator : IValidateOptions<AuthCacheOptions>
{
    private static readonly TimeSpan MinPollingPeriod = TimeSpan.FromMilliseconds(100);

    // A heap left to grow unobserved for longer than this can pass any limit before the next look.
    private static readonly TimeSpan MaxPollingPeriod = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, AuthCacheOptions options)
    {
        var shedding = options.MemoryShedding;
        if (!shedding.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!(shedding.LimitPercentage > 0 && shedding.LimitPercentage <= 100))
        {
            failures.Add("AuthCache:MemoryShedding:LimitPercentage must be greater than 0 and at most 100.");
        }

        if (!(shedding.TargetPercentage > 0 && shedding.TargetPercentage < shedding.LimitPercentage))
        {
            failures.Add("AuthCache:MemoryShedding:TargetPercentage must be greater than 0 and below LimitPercentage.");
        }

        if (shedding.PollingPeriod < MinPollingPeriod || shedding.PollingPeriod > MaxPollingPeriod)
        {
            failures.Add("AuthCache:MemoryShedding:PollingPeriod must be between 00:00:00.1 and 00:01:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
