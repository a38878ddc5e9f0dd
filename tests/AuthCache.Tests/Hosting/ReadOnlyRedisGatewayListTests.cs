using AuthCache.Hosting;

namespace AuthCache.Tests.Hosting;

/// <summary>How a client-mode host reads gateways from the membership rows Orleans' Redis membership table writes.</summary>
public sealed class ReadOnlyRedisGatewayListTests
{
    private static string Row(int status, int proxyPort, string address = "10.1.2.3:11111@155663292") =>
        $$"""{"SiloAddress":{"SiloAddress":"{{address}}"},"Status":{{status}},"SuspectTimes":[],"ProxyPort":{{proxyPort}},"SiloName":"silo-0"}""";

    [Fact]
    public void An_active_silo_row_gives_its_gateway_at_the_silo_address_with_the_proxy_port_and_generation()
    {
        var gateway = ReadOnlyRedisGatewayList.ActiveGateway(Row(status: 3, proxyPort: 30000));

        Assert.Equal(SiloAddress.New(System.Net.IPAddress.Parse("10.1.2.3"), 30000, 155663292).ToGatewayUri(), gateway);
    }

    [Theory]
    [InlineData(2, 30000)] // joining
    [InlineData(4, 30000)] // shutting down
    [InlineData(6, 30000)] // dead
    [InlineData(3, 0)] // no gateway
    public void A_row_of_a_silo_that_is_not_an_active_gateway_gives_none(int status, int proxyPort) =>
        Assert.Null(ReadOnlyRedisGatewayList.ActiveGateway(Row(status, proxyPort)));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"Status":3,"ProxyPort":30000,"SiloAddress":{"SiloAddress":"nonsense"}}""")]
    [InlineData("""{"Status":"Active","ProxyPort":30000}""")]
    public void A_row_it_cannot_read_gives_none_instead_of_failing_the_list(string row) =>
        Assert.Null(ReadOnlyRedisGatewayList.ActiveGateway(row));
}
