using System.Diagnostics;

namespace Unicornet.Tests.Shared;

/// <summary>
/// Waiting for a condition with a deadline, instead of sleeping and hoping: the condition is polled every
/// few milliseconds and the wait ends as soon as it holds. Linked into every test project.
/// </summary>
internal static class Eventually
{
    /// <summary>How often a condition is re-checked: short enough not to slow tests, long enough not to spin.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; false if the deadline passes first.</summary>
    public static bool Poll(Func<bool> condition, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            if (elapsed.Elapsed >= timeout)
            {
                return condition();
            }

            Thread.Sleep(Interval);
        }

        return true;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or throws naming <paramref name="what"/> (and <paramref name="context"/>, e.g. a log).</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, string what, Func<string>? context = null)
    {
        if (!Poll(condition, timeout))
        {
            throw new TimeoutException($"timed out after {timeout} waiting for {what}" + (context is null ? "" : ":\n" + context()));
        }
    }

    /// <summary>Polls an asynchronous condition until it holds; false if the deadline passes first.</summary>
    public static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (elapsed.Elapsed >= timeout)
            {
                return await condition().ConfigureAwait(false);
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Polls an asynchronous condition until it holds, or throws naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? context = null)
    {
        if (!await PollAsync(condition, timeout).ConfigureAwait(false))
        {
            throw new TimeoutException($"timed out after {timeout} waiting for {what}" + (context is null ? "" : ":\n" + context()));
        }
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value that satisfies <paramref name="accept"/>; returns the last value seen.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, TimeSpan timeout)
    {
        T value = await probe().ConfigureAwait(false);
        var elapsed = Stopwatch.StartNew();
        while (!accept(value) && elapsed.Elapsed < timeout)
        {
            await Task.Delay(Interval).ConfigureAwait(false);
            value = await probe().ConfigureAwait(false);
        }

        return value;
    }
}
