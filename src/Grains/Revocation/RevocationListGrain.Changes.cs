using AuthCache.GrainInterfaces;

namespace AuthCache.Grains.Revocation;

internal sealed partial class RevocationListGrain
{
    /// <summary>What a committed batch did, for each change in it.</summary>
    private sealed record Commit(Delivery Delivery, bool Persisted, int ActiveRevocations);

    private abstract class Change
    {
        public abstract void Complete(Commit? commit);

        public abstract void Fail(Exception exception);
    }

    private sealed class Revocation(RevocationRecord record) : Change
    {
        public RevocationRecord Record { get; } = record;

        /// <summary>
        /// The record as the list keeps it (a later revocation of the same session moves its time
        /// forward).
        /// </summary>
        public RevocationRecord Kept { get; set; } = record;

        public TaskCompletionSource<RevocationOutcome> Done { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete(Commit? commit)
        {
            var (dropped, confirmations) = commit!.Delivery;
            Done.TrySetResult(new RevocationOutcome(
                Kept,
                dropped.Validations,
                confirmations.ConfirmedSilos,
                confirmations.UnconfirmedSilos,
                commit.Persisted,
                commit.ActiveRevocations,
                confirmations.ConfirmedHosts,
                confirmations.UnconfirmedHosts));
        }

        public override void Fail(Exception exception) => Done.TrySetException(exception);
    }

    private sealed class Invalidation(CacheInvalidation value) : Change
    {
        public CacheInvalidation Value { get; } = value;

        public TaskCompletionSource<InvalidationOutcome> Done { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete(Commit? commit)
        {
            var (dropped, confirmations) = commit!.Delivery;
            Done.TrySetResult(new InvalidationOutcome(
                dropped.Validations,
                confirmations.ConfirmedSilos,
                confirmations.UnconfirmedSilos,
                confirmations.ConfirmedHosts,
                confirmations.UnconfirmedHosts,
                dropped.Profiles));
        }

        public override void Fail(Exception exception) => Done.TrySetException(exception);
    }

    private sealed class GivenBack(IReadOnlyList<RevocationRecord> records) : Change
    {
        public IReadOnlyList<RevocationRecord> Records { get; } = records;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete(Commit? commit) => Done.TrySetResult();

        public override void Fail(Exception exception) => Done.TrySetException(exception);
    }

    /// <summary>What the subscribers that were notified of a change dropped, and who they are.</summary>
    private sealed record Dropped(IReadOnlySet<string> By, int Validations, int Profiles);

    private sealed record Delivery(Dropped Dropped, SubscriberTable.Confirmations Confirmations);
}
