using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Unicornet.Control;
using Unicornet.Control.Client;

namespace Unicornet.Ctl.Top;

/// <summary>
/// <c>unicornetc top</c>: a live view of one instance, refreshed every second (per worker: pid, age, state,
/// requests, req/s, in flight, RSS, CPU %; the dirty workers; totals); <c>q</c> quits. <c>--once</c> prints one
/// frame (two samples a second apart, so the rates are real) and exits, for scripts and tests.
/// </summary>
internal static class TopCommand
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(ControlSocketChoice socket, bool once, IAnsiConsole console)
    {
        try
        {
            await using ControlClient client = await ControlClient.ConnectAsync(socket.Path, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            TopSample first = await TopSample.ReadAsync(client, CancellationToken.None).ConfigureAwait(false);
            if (once)
            {
                await Task.Delay(s_refresh).ConfigureAwait(false);
                TopSample second = (await TopSample.ReadAsync(client, CancellationToken.None).ConfigureAwait(false)).Against(first);
                console.Write(Render(second, socket.Path, hint: false));
                return 0;
            }

            return await LiveAsync(client, first, socket.Path, console).ConfigureAwait(false);
        }
        catch (ControlConnectionException e)
        {
            await Console.Error.WriteLineAsync("unicornetc: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> LiveAsync(ControlClient client, TopSample first, string path, IAnsiConsole console)
    {
        TopSample current = first;
        int code = 0;
        await console.Live(Render(current, path, hint: true)).AutoClear(false).StartAsync(async live =>
        {
            long next = Environment.TickCount64 + (long)s_refresh.TotalMilliseconds;
            while (true)
            {
                // Keys are polled between refreshes so 'q' is acted on within a fraction of a second.
                while (Environment.TickCount64 < next)
                {
                    if (QuitPressed())
                    {
                        return;
                    }

                    await Task.Delay(50).ConfigureAwait(false);
                }

                next = Environment.TickCount64 + (long)s_refresh.TotalMilliseconds;
                try
                {
                    current = (await TopSample.ReadAsync(client, CancellationToken.None).ConfigureAwait(false)).Against(current);
                }
                catch (Exception e) when (e is ControlConnectionException or IOException or InvalidOperationException)
                {
                    // The master went away (stopped, restarted): say so and leave.
                    live.UpdateTarget(new Markup("[red]lost the master:[/] " + Markup.Escape(e.Message)));
                    live.Refresh();
                    code = 1;
                    return;
                }

                live.UpdateTarget(Render(current, path, hint: true));
                live.Refresh();
            }
        }).ConfigureAwait(false);
        return code;
    }

    private static bool QuitPressed()
    {
        while (!Console.IsInputRedirected && Console.KeyAvailable)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.KeyChar is 'q' or 'Q' || (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One frame: a header line, the workers table with its totals row, and the dirty workers.</summary>
    internal static IRenderable Render(TopSample s, string path, bool hint)
    {
        var workers = new Table().Border(TableBorder.Simple).Title("HTTP workers");
        foreach (string column in (string[])["pid", "age", "state", "requests", "req/s", "in flight", "RSS", "CPU %"])
        {
            workers.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (TopWorker w in s.Workers)
        {
            workers.AddRow(
                I(w.Pid),
                Duration(w.Uptime),
                Markup.Escape(w.State),
                I(w.Requests),
                w.RequestsPerSecond is double r ? F(r) : "-",
                I(w.InFlight),
                w.Rss is long rss ? Bytes(rss) : "-",
                w.CpuPercent is double cpu ? F(cpu) : "-");
        }

        double? totalCpu = s.Workers.All(w => w.CpuPercent is null) ? null : s.Workers.Sum(w => w.CpuPercent ?? 0);
        workers.AddRow(
            "[bold]total[/]",
            "",
            Markup.Escape($"{s.Workers.Count}/{s.WorkersTarget}"),
            I(s.RequestsServed),
            s.RequestsPerSecond is double rps ? F(rps) : "-",
            I(s.Workers.Sum(w => w.InFlight)),
            Bytes(s.Workers.Sum(w => w.Rss ?? 0)),
            totalCpu is double t ? F(t) : "-");

        var parts = new List<IRenderable>
        {
            new Markup(Markup.Escape(
                $"unicornet master {s.MasterPid}  {s.State}  up {Duration(s.Uptime)}  workers {s.Workers.Count}/{s.WorkersTarget}  socket {path}")),
            workers,
        };

        if (s.DirtyArbiterPid is int arbiter)
        {
            var dirty = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"dirty workers (arbiter {arbiter})"));
            foreach (string column in (string[])["pid", "age", "booted", "heartbeat", "apps"])
            {
                dirty.AddColumn(column);
            }

            foreach (TopDirtyWorker d in s.DirtyWorkers)
            {
                dirty.AddRow(I(d.Pid), I(d.Age), d.Booted ? "yes" : "no", d.LastHeartbeat is double hb ? F(hb) + " s ago" : "-", Markup.Escape(d.Apps));
            }

            parts.Add(dirty);
        }
        else
        {
            parts.Add(new Markup("dirty workers: none"));
        }

        if (hint)
        {
            parts.Add(new Markup("[grey]q quits; refreshed every second[/]"));
        }

        return new Rows(parts);
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

    private static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
    }
}
