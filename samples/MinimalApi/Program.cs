using System.Security.Claims;
using AuthCache.AspNetCore;
using AuthCache.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAuthCacheCluster();   // an embedded silo, or with Orleans:Mode=Client a client of your silos
builder.Services.AddAuthCache(); // the trusted issuers: AuthCache:Issuers
builder.Services.AddAuthentication().AddJwtBearer(bearer => bearer.UseAuthCache().TokenValidationParameters.ValidateAudience = false); // Clerk's tokens: no aud
builder.Services.AddAuthorization();

var app = builder.Build();
app.MapGet("/hello", (ClaimsPrincipal user) => $"Hello {user.FindFirstValue(ClaimTypes.NameIdentifier)}").RequireAuthorization();
app.Run();
