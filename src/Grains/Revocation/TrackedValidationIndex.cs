namespace AuthCache.Grains.Revocation;

/// <summary>
/// Cached validations by one revocation key (session, subject or token hash). Most keys have a single validation
/// (always so for a token hash), so a key holds the validation itself and only a key shared by several gets a set:
/// one set per cached token would cost more than the cached result it indexes. Not thread-safe: the owner locks.
/// </summary>
internal sealed class TrackedValidationIndex
{
    private readonly Dictionary<string, object> _entries = new(StringComparer.Ordinal);

    public void Add(string key, TrackedValidation entry)
    {
        if (!_entries.TryGetValue(key, out var existing))
        {
            _entries[key] = entry;
        }
        else if (existing is HashSet<TrackedValidation> several)
        {
            several.Add(entry);
        }
        else if (!ReferenceEquals(existing, entry))
        {
            _entries[key] = new HashSet<TrackedValidation> { (TrackedValidation)existing, entry };
        }
    }

    public void Remove(string key, TrackedValidation entry)
    {
        if (!_entries.TryGetValue(key, out var existing))
        {
            return;
        }

        if (existing is HashSet<TrackedValidation> several)
        {
            if (several.Remove(entry) && several.Count == 1)
            {
                _entries[key] = several.First();
            }
        }
        else if (ReferenceEquals(existing, entry))
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Every validation under every key.</summary>
    public IEnumerable<TrackedValidation> All() =>
        _entries.Values.SelectMany(existing =>
            existing is HashSet<TrackedValidation> several ? several : [(TrackedValidation)existing]);

    public IEnumerable<TrackedValidation> Find(string key) =>
        !_entries.TryGetValue(key, out var existing) ? []
        : existing is HashSet<TrackedValidation> several ? several
        : [(TrackedValidation)existing];
}
