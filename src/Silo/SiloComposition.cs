using AuthCache.Grains;
using AuthCache.Hosting;
using AuthCache.Silo.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace AuthCache.Silo;

public static class SiloComposition
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// A silo with the AuthCache grains: Redis clustering, reminders and storage when
    /// <c>Orleans:Redis:ConnectionString</c> is set, localhost clustering otherwise (<c>Orleans:PrimarySiloPort</c>
    /// lets it join another local silo, for example an API host's).
    /// </summary>
    public static WebApplicationBuilder AddStandaloneSilo(this WebApplicationBuilder builder)
    {
        var orleans = OrleansHostingOptions.Bind(builder.Configuration);
        builder.UseOrleans(silo => silo.UseAuthCacheClustering(orleans).AddAuthCacheGrains());
        builder.ConfigureShutdownTimeout();
        builder.Services.AddHealthChecks().AddCheck<SiloMembershipHealthCheck>("silo-membership", tags: [ReadyTag]);
        return builder;
    }

    /// <summary><c>/health/live</c> (the process serves HTTP; no dependency checked) and <c>/health/ready</c> (active in the cluster).</summary>
    public static WebApplication MapSiloHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return app;
    }
}
