using System.Text.Json;
using AuthCache.Bench.Processes;
using AuthCache.Bench.Systems;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace AuthCache.Bench.Micro;

/// <summary>
/// The BenchmarkDotNet microbenchmarks of the hit path, in a process of their own (in-process toolchain, so no
/// project is generated or built). <c>--quick</c> uses a short job that proves they run, not how fast.
/// </summary>
public static class MicroBenchmarkCommand
{
    public const string Name = "micro";

    public static readonly Type[] Benchmarks = [typeof(HitPathBenchmarks), typeof(ValidationBenchmarks)];

    /// <summary>In the runner: starts <c>dotnet AuthCache.Bench.dll micro</c> and reads its results.</summary>
    public static async Task<IReadOnlyList<MicroResult>> MeasureInChildAsync(bool quick, string runDirectory)
    {
        var output = Path.Combine(runDirectory, "micro.json");
        string[] arguments = [Name, "--out", output, "--artifacts", Path.Combine(runDirectory, "BenchmarkDotNet.Artifacts"), .. quick ? ["--quick"] : Array.Empty<string>()];
        await using var child = SutProcess.StartDotnet(Name, RepositoryLayout.RunnerDll, arguments, SystemContext.ProductionEnvironment, runDirectory);
        await child.WaitForExitAsync(TimeSpan.FromMinutes(30));
        return JsonSerializer.Deserialize<MicroResult[]>(await File.ReadAllTextAsync(output))
            ?? throw new InvalidOperationException("micro wrote no result.");
    }

    /// <summary>In the child process.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        var list = args.ToList();
        var output = list[list.IndexOf("--out") + 1];
        var artifacts = list[list.IndexOf("--artifacts") + 1];
        var job = list.Contains("--quick")
            ? Job.Dry.WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Throughput).WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default;
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.JoinSummary);

        var results = new List<MicroResult>();
        foreach (var summary in BenchmarkRunner.Run(Benchmarks, config))
        {
            // In the order the benchmarks are declared, which follows the request's path.
            foreach (var report in summary.Reports.OrderBy(r => Array.IndexOf(Benchmarks, r.BenchmarkCase.Descriptor.Type)).ThenBy(r => r.BenchmarkCase.Descriptor.WorkloadMethod.MetadataToken))
            {
                var statistics = report.ResultStatistics;
                if (statistics is null)
                {
                    Console.Error.WriteLine($"{report.BenchmarkCase.DisplayInfo} produced no result.");
                    return 1;
                }

                results.Add(new MicroResult(
                    report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                    statistics.Mean,
                    statistics.StandardError,
                    report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)));
            }
        }

        File.WriteAllText(output, JsonSerializer.Serialize(results));
        return 0;
    }
}
