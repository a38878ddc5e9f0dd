using Microsoft.Extensions.Options;

namespace AuthCache.Grains.StateProtection;

/// <summary>
/// Refuses to start with a state protection key too short or not base64: a weak key is worse than none, which is said
/// once at start.
/// </summary>
internal sealed class StateProtectionOptionsValidator : IValidateOptions<StateProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, StateProtectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Key))
        {
            return ValidateOptionsResult.Success;
        }

        return options.KeyBytes() is { Length: >= StateProtectionOptions.MinimumKeyBytes }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{StateProtectionOptions.SectionName}:Key must be base64 of at least "
                    + $"{StateProtectionOptions.MinimumKeyBytes} bytes.");
    }
}
