using AuthCache.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddStandaloneSilo();

var app = builder.Build();
app.MapSilo();
app.Run();
