using AuthCache.ApiHost;

var builder = WebApplication.CreateBuilder(args);
builder.AddApiHost();

var app = builder.Build();
app.MapApiHost();
app.Run();
