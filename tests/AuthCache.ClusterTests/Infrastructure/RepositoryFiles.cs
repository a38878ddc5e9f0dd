using System.Reflection;

namespace AuthCache.ClusterTests.Infrastructure;

/// <summary>Files of the repository the tests read as they are shipped (alert rules, the Grafana dashboard).</summary>
public static class RepositoryFiles
{
    public static string PathOf(string relative)
    {
        var root = typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return File.Exists(full) ? full : throw new FileNotFoundException($"{full} is missing.", full);
    }
}
