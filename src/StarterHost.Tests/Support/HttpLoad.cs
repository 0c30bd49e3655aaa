using System.Collections.Concurrent;

namespace StarterHost.Tests.Support;

/// <summary>
/// Clients that send request after request, each on a new connection, until stopped; every answer
/// and every failure is kept for the test to judge.
/// </summary>
internal sealed class HttpLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;

    public ConcurrentQueue<HelloAnswer> Answers { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    public HttpLoad(int port, int clients)
    {
        _clients = Enumerable.Range(0, clients).Select(_ => Task.Run(() => Run(port))).ToArray();
    }

    private async Task Run(int port)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Answers.Enqueue(await HttpProbe.GetAsync(port, cancel: _stop.Token));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>Waits until generation <paramref name="generation"/> has answered someone.</summary>
    public void WaitForGeneration(int generation) =>
        Eventually.True(() => Answers.Any(a => a.Generation == generation) || !Failures.IsEmpty,
            $"generation {generation} to answer the load");

    /// <summary>Stops the clients, letting the requests in flight finish (a cancelled one is not a failure).</summary>
    public void Stop()
    {
        _stop.Cancel();
        Task.WaitAll(_clients, StarterProcess.DefaultTimeout);
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
            Stop();
        _stop.Dispose();
    }
}
