namespace AuthCache.Bench.Runs;

/// <summary>Whether the client-mode cluster's all-hits and fixed-rate rows run without TLS, with mutual TLS, or both side by side.</summary>
public enum ClusterTls
{
    Off,
    On,
    Both,
}
