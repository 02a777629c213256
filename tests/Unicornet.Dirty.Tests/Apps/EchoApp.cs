using System.Runtime.CompilerServices;

namespace Unicornet.Dirty.Tests.Apps;

public sealed record Point(int X, int Y);

/// <summary>A dirty app for the tests; every dirty worker loads it.</summary>
public sealed class EchoApp : DirtyApp
{
    private readonly object _rendezvous = new();
    private int _arrived;
    private int _round;

    public bool Initialized { get; private set; }

    public override Task InitAsync(CancellationToken cancellationToken)
    {
        Initialized = true;
        return Task.CompletedTask;
    }

    public object? Echo(object? value) => value;

    public long Add(long a, long b = 10) => a + b;

    public Point Move(Point p, int dx) => p with { X = p.X + dx };

    public int Pid() => Environment.ProcessId;

    public void Nothing()
    {
    }

    public async Task<string> SleepAsync(int milliseconds, string tag, CancellationToken cancellationToken)
    {
        await Task.Delay(milliseconds, cancellationToken);
        return tag;
    }

    public string BlockingSleep(int milliseconds, string tag)
    {
        // Occupying a thread for a while is what this action is for.
        Thread.Sleep(milliseconds);
        return tag;
    }

    /// <summary><see cref="SleepAsync"/> that first creates <paramref name="startedFile"/>: tests wait for it to know the call runs.</summary>
    public Task<string> MarkedSleepAsync(int milliseconds, string tag, string startedFile, CancellationToken cancellationToken)
    {
        File.WriteAllText(startedFile, "");
        return SleepAsync(milliseconds, tag, cancellationToken);
    }

    /// <summary><see cref="BlockingSleep"/> that first creates <paramref name="startedFile"/>: tests wait for it to know the call runs.</summary>
    public string MarkedBlockingSleep(int milliseconds, string tag, string startedFile)
    {
        File.WriteAllText(startedFile, "");
        return BlockingSleep(milliseconds, tag);
    }

    /// <summary>Returns true when <paramref name="n"/> calls were inside at the same moment within 10 s.</summary>
    public bool Rendezvous(int n)
    {
        // A barrier: the n-th arrival releases the n-1 waiting ones, so all n were inside together.
        lock (_rendezvous)
        {
            int round = _round;
            if (++_arrived >= n)
            {
                _arrived = 0;
                _round++;
                Monitor.PulseAll(_rendezvous);
                return true;
            }

            DateTime until = DateTime.UtcNow.AddSeconds(10);
            while (_round == round)
            {
                TimeSpan left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    _arrived--;
                    return false;
                }

                Monitor.Wait(_rendezvous, left);
            }

            return true;
        }
    }

    public async IAsyncEnumerable<int> Count(int n, int delayMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < n; i++)
        {
            if (delayMs > 0)
            {
                // Items spaced in time are what the streaming tests ask for.
                await Task.Delay(delayMs, cancellationToken);
            }

            yield return i;
        }
    }

    public IEnumerable<string> Letters(string word)
    {
        foreach (char c in word)
        {
            yield return c.ToString();
        }
    }

    public async IAsyncEnumerable<int> FailAfter(int n)
    {
        for (int i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw new InvalidOperationException("stream broke");
    }

    public int Fail(string message) => throw new ArgumentException(message);

    public void Crash() => Environment.Exit(42);

    public async Task<string> StashRoundTrip(string key, string value)
    {
        await Stash.PutAsync("from-worker", key, value);
        return await Stash.GetAsync<string>("from-worker", key) ?? "";
    }

    public bool IsInitialized() => Initialized;

    public string _Hidden() => "secret";
}
