using AuthCache.Bench.Contenders;

// What the cache is compared with: the seed's uncached "before" (baseline) or plain JwtBearer with a per-process
// user cache (jwtbearer). One program, chosen with Contender=baseline|jwtbearer, so both serve the same endpoint.
var builder = WebApplication.CreateBuilder(args);
builder.AddContender();

var app = builder.Build();
app.MapContender();
app.Run();
