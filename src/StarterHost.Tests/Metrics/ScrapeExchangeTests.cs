using System.Text;
using StarterHost.Metrics;

namespace StarterHost.Tests.Metrics;

/// <summary>One connection's decisions, bytes in and bytes out, without a socket.</summary>
public sealed class ScrapeExchangeTests
{
    private static readonly byte[] Body = Encoding.ASCII.GetBytes(new string('x', 1000) + "\n");

    private static ScrapeStep Receive(ScrapeExchange exchange, string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        bytes.CopyTo(exchange.Room);
        return exchange.Received(bytes.Length);
    }

    [Fact]
    public void ARequestInPiecesIsAnsweredOnceWhole()
    {
        using var exchange = new ScrapeExchange(() => Body);
        Assert.Equal(ScrapeStep.Read, Receive(exchange, "GET /metrics HT"));
        Assert.Equal(ScrapeStep.Read, Receive(exchange, "TP/1.1\r\nHost: x\r\n"));
        Assert.Equal(ScrapeStep.Write, Receive(exchange, "\r\n"));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", Encoding.ASCII.GetString(exchange.Unsent));
        Assert.EndsWith("\r\n\r\n" + Encoding.ASCII.GetString(Body), Encoding.ASCII.GetString(exchange.Unsent));
    }

    [Fact]
    public void AnAnswerTheSocketTakesInPartsIsSentToItsEndThenClosed()
    {
        using var exchange = new ScrapeExchange(() => Body);
        Receive(exchange, "GET /metrics HTTP/1.1\r\n\r\n");
        int total = exchange.Unsent.Length;
        Assert.Equal(ScrapeStep.Write, exchange.Sent(100));
        Assert.Equal(total - 100, exchange.Unsent.Length);
        Assert.Equal(ScrapeStep.Write, exchange.Sent(total - 101));
        Assert.Equal(1, exchange.Unsent.Length);
        Assert.Equal(ScrapeStep.Close, exchange.Sent(1));
    }

    [Fact]
    public void AClientThatLeavesBeforeItsRequestIsWholeIsClosedWithoutAnAnswer()
    {
        bool rendered = false;
        using var exchange = new ScrapeExchange(() =>
        {
            rendered = true;
            return Body;
        });
        Receive(exchange, "GET /metrics HTTP/1.1\r\n");
        Assert.Equal(ScrapeStep.Close, exchange.Received(0));
        Assert.False(rendered);
    }

    [Fact]
    public void TheRequestBufferIsBoundedAndAnOverflowIsAnswered431()
    {
        using var exchange = new ScrapeExchange(() => Body);
        Receive(exchange, "GET /metrics HTTP/1.1\r\n");
        var step = ScrapeStep.Read;
        while (step == ScrapeStep.Read)
        {
            Assert.True(exchange.Room.Length > 0, "the exchange asked for more than its buffer holds");
            int n = Math.Min(exchange.Room.Length, 1000);
            exchange.Room[..n].Fill((byte)'x');
            step = exchange.Received(n);
        }
        Assert.Equal(ScrapeStep.Write, step);
        Assert.StartsWith("HTTP/1.1 431 ", Encoding.ASCII.GetString(exchange.Unsent));
    }

    [Fact]
    public void GarbageIsAnswered400AsSoonAsItsFirstLineIsThere()
    {
        using var exchange = new ScrapeExchange(() => Body);
        Assert.Equal(ScrapeStep.Write, Receive(exchange, "HELLO\r\n"));
        Assert.StartsWith("HTTP/1.1 400 ", Encoding.ASCII.GetString(exchange.Unsent));
    }

    [Fact]
    public void ItIsUsedInOrder()
    {
        using var exchange = new ScrapeExchange(() => Body);
        Assert.Throws<InvalidOperationException>(() => exchange.Sent(1));
        Receive(exchange, "GET /metrics HTTP/1.1\r\n\r\n");
        Assert.Throws<InvalidOperationException>(() => exchange.Received(1));
    }
}
