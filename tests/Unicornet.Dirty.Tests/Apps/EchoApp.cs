using System.Runtime.CompilerServices;

namespace Unicornet.Dirty.Tests.Apps;

public sealed record Point(int X, int Y);

/// <summary>A dirty app for the tests; every dirty worker loads it.</summary>
public sealed class EchoApp : DirtyApp
{
    private int _inside;

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
        Thread.Sleep(milliseconds);
        return tag;
    }

    /// <summary>Returns true when <paramref name="n"/> calls were inside at the same moment within 10 s.</summary>
    public bool Rendezvous(int n)
    {
        Interlocked.Increment(ref _inside);
        try
        {
            var until = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref _inside) < n)
            {
                if (DateTime.UtcNow > until)
                {
                    return false;
                }

                Thread.Sleep(5);
            }

            Thread.Sleep(50);
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    public async IAsyncEnumerable<int> Count(int n, int delayMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < n; i++)
        {
            if (delayMs > 0)
            {
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
