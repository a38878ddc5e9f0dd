using AuthCache.ApiHost;
using AuthCache.Core;

var builder = WebApplication.CreateBuilder(args);
builder.AddApiHost();

var app = builder.Build();
app.MapApiHost();
try
{
    app.Run();
}
catch (AuthCacheStartupException)
{
    // The host has logged the mistake, in its one line: rethrowing would only add the runtime's report of an
    // unhandled exception and exit with code 134, as for a crash.
    return 1;
}

return 0;
