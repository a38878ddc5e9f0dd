using System.Reflection;

namespace AuthCache.Bench;

/// <summary>Where the repository and the built systems are, for the configuration this runner was built in.</summary>
public sealed class RepositoryLayout
{
    private RepositoryLayout(string root, string configuration, string framework)
    {
        Root = root;
        Configuration = configuration;
        Framework = framework;
    }

    public string Root { get; }

    public string Configuration { get; }

    public string Framework { get; }

    public string BenchDirectory => Path.Combine(Root, "bench");

    public string ApiHostDll => Output("src/ApiHost", "AuthCache.ApiHost.dll");

    public string SiloDll => Output("src/Silo", "AuthCache.Silo.dll");

    public string ContendersDll => Output("bench/Contenders", "AuthCache.Bench.Contenders.dll");

    /// <summary>This runner's own assembly, started again for the measurements that need a process of their own.</summary>
    public static string RunnerDll => typeof(RepositoryLayout).Assembly.Location;

    public static RepositoryLayout Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "bench", "Bench.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"No repository with bench/Bench.sln above {AppContext.BaseDirectory}.");
        }

        var configuration = typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "";
        var framework = Path.GetFileName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return new RepositoryLayout(directory.FullName, configuration, framework);
    }

    private string Output(string project, string dll) =>
        Path.Combine(Root, project, "bin", Configuration, Framework, dll);
}
