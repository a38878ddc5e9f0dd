using AuthCache.Bench;
using AuthCache.Bench.Memory;
using AuthCache.Bench.Micro;

// dotnet run -c Release --project bench/AuthCache.Bench -- [--quick] [options]   (see bench/README.md)
// The same program, started again by the runner, does the measurements that need a process of their own.
try
{
    return args.FirstOrDefault() switch
    {
        TokenMemoryCommand.Name => await TokenMemoryCommand.RunAsync(args[1..]),
        MicroBenchmarkCommand.Name => MicroBenchmarkCommand.Run(args[1..]),
        "--help" or "-h" => Usage(),
        _ => await BenchRun.RunAsync(BenchSettings.Parse(args), args),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchSettings.Usage);
    return 2;
}

static int Usage()
{
    Console.WriteLine(BenchSettings.Usage);
    return 0;
}
