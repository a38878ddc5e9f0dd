using AuthCache.Core;
using AuthCache.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddStandaloneSilo();

var app = builder.Build();
app.MapSilo();
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
