using Microsoft.Extensions.Options;

namespace AuthCache.Tests.Infrastructure;

/// <summary>Options that tests change in place; <see cref="Change"/> tells the subscribers as a reload would.</summary>
public sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    private readonly List<Action<T, string?>> _listeners = [];

    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener)
    {
        _listeners.Add(listener);
        return null;
    }

    public void Change()
    {
        foreach (var listener in _listeners)
        {
            listener(value, null);
        }
    }
}
