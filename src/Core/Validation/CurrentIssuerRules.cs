using AuthCache.Core.Options;
using Microsoft.Extensions.Options;

namespace AuthCache.Core.Validation;

/// <summary>
/// The <see cref="IssuerRules"/> of this process's current options, rebuilt when they change, so a check costs one
/// reference comparison besides the rules themselves. A holder of checked answers keeps the instance it checked them
/// against: a different <see cref="Current"/> means the rules may have changed since.
/// </summary>
internal sealed class CurrentIssuerRules : IDisposable
{
    private readonly IOptionsMonitor<AuthCacheOptions> _options;
    private readonly IDisposable? _change;
    private volatile IssuerRules _rules;

    public CurrentIssuerRules(IOptionsMonitor<AuthCacheOptions> options)
    {
        _options = options;
        _rules = IssuerRules.From(options.CurrentValue);
        _change = options.OnChange(settings => Refresh(settings));
    }

    public IssuerRules Current
    {
        get
        {
            var rules = _rules;
            var settings = _options.CurrentValue;
            return ReferenceEquals(rules.Source, settings) ? rules : Refresh(settings);
        }
    }

    /// <summary>
    /// Rebuilds the rules from <paramref name="settings"/>, also when they are the same instance changed in place; for
    /// a listener of option changes that must act on the new rules whichever listener runs first.
    /// </summary>
    public IssuerRules Refresh(AuthCacheOptions settings)
    {
        var rules = IssuerRules.From(settings);
        _rules = rules;
        return rules;
    }

    public void Dispose() => _change?.Dispose();
}
