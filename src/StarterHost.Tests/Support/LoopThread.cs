using System.Collections.Concurrent;
using StarterHost.Supervision;

namespace StarterHost.Tests.Support;

/// <summary>
/// The supervisor's <see cref="EventLoop"/> run on a thread of its own, for what must be driven by a real loop (the
/// metrics endpoint): the test hands it work with <see cref="Invoke{T}"/>, which runs on the loop thread between polls.
/// </summary>
internal sealed class LoopThread : IDisposable
{
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile Exception? _fault;

    public LoopThread()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "test event loop" };
        _thread.Start();
    }

    public EventLoop Loop { get; } = new();

    /// <summary>The loop's timers, run on its thread as the supervisor's are.</summary>
    public LoopTimers Timers { get; } = new(new MonotonicClock());

    /// <summary>Runs <paramref name="work"/> on the loop thread and returns what it returned (or throws what it threw).</summary>
    public T Invoke<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Enqueue(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        Loop.Wake();
        if (!done.Task.Wait(StarterProcess.DefaultTimeout))
            throw new TimeoutException($"the loop thread did not run the work given{(_fault is { } fault ? $": it died of {fault}" : "")}");
        return done.Task.Result;
    }

    public void Invoke(Action work) => Invoke(() =>
    {
        work();
        return true;
    });

    private void Run()
    {
        try
        {
            Loop.Run(() =>
            {
                while (_work.TryDequeue(out var work))
                    work();
                Timers.TakeDue();
                return _stopping ? null : Timers.MillisecondsUntilNextDue();
            });
        }
        catch (Exception e)
        {
            // A callback that throws ends a real loop too; the test that waits for it hears why.
            _fault = e;
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Loop.Wake();
        _thread.Join(StarterProcess.DefaultTimeout);
        Loop.Dispose();
    }
}
