using AuthCache.Grains.Revocation;
using Orleans.Serialization;

namespace AuthCache.Grains;

/// <summary>
/// Grain state written while <see cref="JwksPersistedState"/> and <see cref="RevocationListState"/> were types of
/// AuthCache.GrainInterfaces still reads. Orleans' default grain storage serializer (JSON, which the Redis storage
/// uses) records the state's assembly-qualified type name, so stored state names the former types: this maps those
/// names to the types that replaced them.
/// </summary>
internal sealed class FormerStateTypeNames : ITypeConverter
{
    private const string FormerAssembly = "AuthCache.GrainInterfaces";

    private static readonly Dictionary<string, Type> Former = new(StringComparer.Ordinal)
    {
        ["AuthCache.GrainInterfaces.JwksPersistedState"] = typeof(JwksPersistedState),
        ["AuthCache.GrainInterfaces.RevocationListState"] = typeof(RevocationListState),
    };

    public bool TryFormat(Type type, out string formatted)
    {
        formatted = null!;
        return false;
    }

    public bool TryParse(string formatted, out Type type)
    {
        var comma = formatted.IndexOf(',');
        if (comma > 0
            && string.Equals(formatted[(comma + 1)..].Trim(), FormerAssembly, StringComparison.Ordinal)
            && Former.TryGetValue(formatted[..comma].Trim(), out var replacement))
        {
            type = replacement;
            return true;
        }

        type = null!;
        return false;
    }
}
