using AuthCache.Core.Profiles;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace AuthCache.Grains.Administration;

/// <summary>
/// Operator questions and invalidations over the whole cluster. Statistics are asked of the
/// <see cref="ISiloCacheService"/> of every active silo, and a silo that does not answer in time is listed as
/// unreachable instead of failing the whole call. A cleanup or a profile eviction is published through the
/// <see cref="IRevocationListGrain"/>, the one channel that reaches every silo and every API host with its confirmation
/// protocol: each silo evicts its own entries when its subscription receives it, and answers what it dropped.
/// </summary>
[StatelessWorker]
internal sealed partial class CacheAdminGrain(
    IClusterMembershipService membership,
    ISiloCacheServiceClient silos,
    ILogger<CacheAdminGrain> logger) : Grain, ICacheAdminGrain
{
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(10);

    private IRevocationListGrain Channel => GrainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key);

    public async Task<ClusterCacheStatistics> GetStatisticsAsync()
    {
        var (answers, unreachable) = await AskEverySiloAsync(
            service => service.GetStatisticsAsync(),
            StatisticsTimeout);
        return new ClusterCacheStatistics(answers, unreachable);
    }

    public async Task<CacheCleanupResult> CleanupAsync(CacheEvictionScope scope)
    {
        // Silos before API hosts (the channel's order for invalidations), so no host copy is taken again from an entry
        // being dropped.
        var outcome = await Channel.PublishAsync(new CacheCleared(scope));
        return new CacheCleanupResult(
            scope,
            outcome.DroppedValidations,
            outcome.DroppedProfiles,
            outcome.ConfirmedSilos,
            outcome.UnconfirmedSilos,
            outcome.ConfirmedHosts,
            outcome.UnconfirmedHosts);
    }

    public async Task<ProfileEvictionResult> EvictProfileAsync(string issuer, string subject)
    {
        // The profile first: a validation that reads it again once its silo has heard must get the fresh one. Then
        // the silos, whose validations read it again, then the API hosts' copies of the user's answers, which carry
        // the profile too: a host that drops them asks a silo that has already heard.
        var dropped = await GrainFactory
            .GetGrain<IUserProfileGrain>(UserProfileKey.Create(issuer, subject))
            .EvictAsync(CacheEvictionScope.All);
        var outcome = await Channel.PublishAsync(new ProfileEvicted(issuer, subject));
        return new ProfileEvictionResult(
            dropped,
            outcome.ConfirmedSilos,
            outcome.UnconfirmedSilos,
            outcome.ConfirmedHosts,
            outcome.UnconfirmedHosts);
    }

    private async Task<(List<T> Answers, List<string> Unreachable)> AskEverySiloAsync<T>(
        Func<ISiloCacheService, Task<T>> ask,
        TimeSpan timeout)
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .ToList();
        var calls = active.Select(async silo =>
        {
            try
            {
                return (Silo: silo, Answer: await ask(silos.On(silo)).WaitAsync(timeout), Failed: false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSiloDidNotAnswer(logger, silo.ToParsableString(), ex.GetType().Name);
                return (Silo: silo, Answer: default(T)!, Failed: true);
            }
        });

        var answers = new List<T>();
        var unreachable = new List<string>();
        foreach (var call in await Task.WhenAll(calls))
        {
            if (call.Failed)
            {
                unreachable.Add(call.Silo.ToParsableString());
            }
            else
            {
                answers.Add(call.Answer);
            }
        }

        return (answers, unreachable);
    }

    [LoggerMessage(
        EventId = 2502,
        Level = LogLevel.Warning,
        Message = "Silo {Silo} did not answer a cache administration request ({ErrorType}).")]
    private static partial void LogSiloDidNotAnswer(ILogger logger, string silo, string errorType);
}
