// Each test runs several real processes on a 2-core machine: one at a time keeps them within their time-outs.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
