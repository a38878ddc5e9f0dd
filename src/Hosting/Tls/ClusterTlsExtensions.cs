using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace AuthCache.Hosting.Tls;

/// <summary>
/// Mutual TLS on every Orleans connection, with the roles kept apart per endpoint: the silo port accepts only silo
/// certificates (so a client certificate cannot join), the gateway port only client certificates, and whoever opens
/// a connection, silo or client, accepts only a silo at the other end. Orleans' <c>UseTls</c> gives all three one
/// validation callback that cannot tell them apart, so each connection pipeline gets its own options here.
/// </summary>
internal static class ClusterTlsExtensions
{
    public static ISiloBuilder UseAuthCacheTls(this ISiloBuilder silo, OrleansHostingOptions.TlsOptions options)
    {
        AddCertificates(silo.Services, options, ClusterRole.Silo);
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(pipeline =>
                pipeline.UseServerTls(ServerOptions(pipeline, ClusterRole.Silo)));
            connections.ConfigureGatewayInboundConnection(pipeline =>
                pipeline.UseServerTls(ServerOptions(pipeline, ClusterRole.Client)));
            connections.ConfigureSiloOutboundConnection(pipeline => pipeline.UseClientTls(ClientOptions(pipeline)));
        });
    }

    public static IClientBuilder UseAuthCacheTls(this IClientBuilder client, OrleansHostingOptions.TlsOptions options)
    {
        AddCertificates(client.Services, options, ClusterRole.Client);
        return client.Configure<ClientConnectionOptions>(connections =>
            connections.ConfigureConnection(pipeline => pipeline.UseClientTls(ClientOptions(pipeline))));
    }

    private static void AddCertificates(
        IServiceCollection services,
        OrleansHostingOptions.TlsOptions options,
        ClusterRole role)
    {
        var files = new CertificateFiles(options);
        var initial = ClusterCertificates.LoadInitial(files, role, TimeProvider.System);
        services.AddSingleton(sp => new ClusterCertificates(
            files,
            initial,
            role,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<ClusterCertificates>>()));
    }

    private static TlsOptions ServerOptions(IConnectionBuilder pipeline, ClusterRole remoteRole)
    {
        var certificates = pipeline.ApplicationServices.GetRequiredService<ClusterCertificates>();
        return new TlsOptions
        {
            LocalServerCertificateSelector = (_, _) => certificates.Local,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,

            // Orleans 10.4 requires what RemoteCertificateMode says; its newer sources read this one for gateway
            // connections instead, and its default there (AllowCertificate) would let clients in without one.
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (remote, chain, errors) =>
                certificates.Accepts(remote, chain, errors, remoteRole),
        };
    }

    private static TlsOptions ClientOptions(IConnectionBuilder pipeline)
    {
        var certificates = pipeline.ApplicationServices.GetRequiredService<ClusterCertificates>();
        return new TlsOptions
        {
            LocalClientCertificateSelector = (_, _, _, _, _) => certificates.Local,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (remote, chain, errors) =>
                certificates.Accepts(remote, chain, errors, ClusterRole.Silo),
        };
    }
}
