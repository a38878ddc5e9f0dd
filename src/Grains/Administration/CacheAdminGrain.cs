using AuthCache.Core.Profiles;
using AuthCache.GrainInterfaces;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace AuthCache.Grains.Administration;

/// <summary>
/// Fans an operator's question, or a webhook's profile eviction, out to the <see cref="ISiloCacheService"/> of every
/// active silo and gathers the answers. A silo that does not answer in time is listed as unreachable instead of
/// failing the whole call.
/// </summary>
[StatelessWorker]
internal sealed partial class CacheAdminGrain(
    IClusterMembershipService membership,
    ISiloCacheServiceClient silos,
    ILogger<CacheAdminGrain> logger) : Grain, ICacheAdminGrain
{
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(10);

    // An emergency clear of a full silo is one local grain call per cached entry (a few seconds for 250,000);
    // kept, with the confirmation of the API hosts that follows it, under Orleans' 30 s response timeout of the call
    // that asked for it.
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(15);

    // A note in each silo's memory; kept well under the time a webhook sender waits for its answer.
    private static readonly TimeSpan ProfileEvictionTimeout = TimeSpan.FromSeconds(5);

    public async Task<ClusterCacheStatistics> GetStatisticsAsync()
    {
        var (answers, unreachable) = await AskEverySiloAsync(service => service.GetStatisticsAsync(), StatisticsTimeout);
        return new ClusterCacheStatistics(answers, unreachable);
    }

    public async Task<CacheCleanupResult> CleanupAsync(CacheEvictionScope scope)
    {
        var (answers, unreachable) = await AskEverySiloAsync(service => service.EvictAsync(scope), CleanupTimeout);

        // After the silos dropped their entries, so no copy can be taken again from an entry being dropped.
        var copies = await GrainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key).PublishAsync(new CacheCleared(scope));
        return new CacheCleanupResult(
            scope,
            answers.Sum(a => a.TokensRemoved),
            answers.Sum(a => a.ProfilesRemoved),
            answers.Count,
            unreachable,
            copies.ConfirmedHosts,
            copies.UnconfirmedHosts);
    }

    public async Task<ProfileEvictionResult> EvictProfileAsync(string issuer, string subject)
    {
        // The profile first: a validation that reads it again once its silo has heard must get the fresh one.
        var dropped = await GrainFactory.GetGrain<IUserProfileGrain>(UserProfileKey.Create(issuer, subject)).EvictAsync(CacheEvictionScope.All);
        var (answers, unreachable) = await AskEverySiloAsync(async service =>
        {
            await service.ProfileEvictedAsync(issuer, subject);
            return true;
        }, ProfileEvictionTimeout);

        // Then the API hosts' copies of the user's answers, which carry the profile too: a host that drops them asks
        // a silo that has already heard.
        var copies = await GrainFactory.GetGrain<IRevocationListGrain>(IRevocationListGrain.Key).PublishAsync(new ProfileEvicted(issuer, subject));
        return new ProfileEvictionResult(dropped, answers.Count, unreachable, copies.ConfirmedHosts, copies.UnconfirmedHosts);
    }

    private async Task<(List<T> Answers, List<string> Unreachable)> AskEverySiloAsync<T>(Func<ISiloCacheService, Task<T>> ask, TimeSpan timeout)
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

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "Silo {Silo} did not answer a cache administration request ({ErrorType}).")]
    private static partial void LogSiloDidNotAnswer(ILogger logger, string silo, string errorType);
}
