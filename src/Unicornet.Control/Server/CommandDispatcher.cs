using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Unicornet.Control.Protocol;

namespace Unicornet.Control.Server;

/// <summary>Turns one request payload into one reply payload: parsing, argument checks, the handler call, errors.</summary>
internal sealed class CommandDispatcher
{
    /// <summary>Largest N accepted by the add/remove commands, so a typo cannot ask for a million processes.</summary>
    internal const int MaxCount = 1000;

    private static readonly ControlJsonContext s_json = ControlJsonContext.Default;

    internal static readonly IReadOnlyDictionary<string, string> s_helpText = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["show workers"] = "HTTP workers: pid, age, booted, aborted, last heartbeat, requests",
        ["show stats"] = "uptime, worker counts, spawned/killed, reloads, requests per worker, dirty arbiter pid",
        ["show config"] = "every setting with its value and origin",
        ["show listeners"] = "listening sockets: address, fd, type",
        ["show dirty"] = "dirty arbiter, dirty workers and apps (live)",
        ["show metrics"] = "what metrics_bind's /metrics serves (Prometheus text)",
        ["show all"] = "overview of the master, workers and dirty pool",
        ["worker add [N]"] = "raise the worker target by N (default 1)",
        ["worker remove [N]"] = "lower the worker target by N (default 1, never below 1)",
        ["worker kill PID"] = "TERM one worker; the master replaces it",
        ["dirty add [N]"] = "start N more dirty workers (default 1)",
        ["dirty remove [N]"] = "retire N dirty workers, oldest first (default 1)",
        ["reload"] = "reload like HUP",
        ["reopen"] = "reopen log files like USR1",
        ["shutdown [graceful|quick]"] = "stop the master like TERM (graceful, default) or INT (quick)",
        ["help"] = "this list",
    };

    private readonly IControlHandler _handler;
    private readonly ILog _log;
    private readonly TimeSpan _commandTimeout;

    public CommandDispatcher(IControlHandler handler, ILog log, TimeSpan commandTimeout)
    {
        _handler = handler;
        _log = log;
        _commandTimeout = commandTimeout;
    }

    public async Task<byte[]> HandleAsync(byte[] payload, CancellationToken stopping)
    {
        ControlRequest request;
        try
        {
            request = ControlRequest.Parse(payload);
        }
        catch (ControlRequestException e)
        {
            ControlLog.RequestRejected(_log, e.Message);
            return ControlResponse.EncodeError(e.Id, e.Message);
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_commandTimeout);
        try
        {
            Action<Utf8JsonWriter> data = await ExecuteAsync(request, timeout.Token).ConfigureAwait(false);
            return ControlResponse.EncodeOk(request.Id, data);
        }
        catch (ControlArgumentException e)
        {
            return ControlResponse.EncodeError(request.Id, "Invalid argument: " + e.Message);
        }
        catch (UnknownCommandException e)
        {
            return ControlResponse.EncodeError(request.Id, e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            string reason = stopping.IsCancellationRequested
                ? "the control server is stopping"
                : $"no answer from the master within {_commandTimeout.TotalSeconds:0.#} s";
            ControlLog.CommandFailed(_log, request.Command, reason);
            return ControlResponse.EncodeError(request.Id, "Command failed: " + reason);
        }
        catch (Exception e)
        {
            ControlLog.CommandThrew(_log, e, request.Command);
            return ControlResponse.EncodeError(request.Id, "Command failed: " + e.Message);
        }
    }

    internal async Task<Action<Utf8JsonWriter>> ExecuteAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        List<string> words = CommandLineSplitter.Split(request.Command);
        words.AddRange(request.Args);
        if (words.Count == 0)
        {
            throw new UnknownCommandException("Empty command. Send 'help' for the list of commands.");
        }

        string verb = words[0].ToLowerInvariant();
        string? noun = words.Count > 1 ? words[1].ToLowerInvariant() : null;
        switch (verb)
        {
            case "help":
                ExpectNoMore(words, 1, "help");
                return Ok(new HelpData(s_helpText), s_json.HelpData);

            case "show":
                ExpectNoMore(words, 2, "show " + noun);
                return await ShowAsync(noun, words, cancellationToken).ConfigureAwait(false);

            case "worker":
                return await WorkerAsync(noun, words, cancellationToken).ConfigureAwait(false);

            case "dirty":
                return await DirtyAsync(noun, words, cancellationToken).ConfigureAwait(false);

            case "reload":
                ExpectNoMore(words, 1, "reload");
                return Ok(await Call(_handler.ReloadAsync(cancellationToken), cancellationToken), s_json.ActionResult);

            case "reopen":
                ExpectNoMore(words, 1, "reopen");
                return Ok(await Call(_handler.ReopenAsync(cancellationToken), cancellationToken), s_json.ActionResult);

            case "shutdown":
                ExpectNoMore(words, 2, "shutdown");
                ShutdownMode mode = noun switch
                {
                    null or "graceful" => ShutdownMode.Graceful,
                    "quick" => ShutdownMode.Quick,
                    _ => throw new ControlArgumentException($"shutdown mode must be 'graceful' or 'quick', not '{words[1]}'"),
                };
                return Ok(await Call(_handler.ShutdownAsync(mode, cancellationToken), cancellationToken), s_json.ActionResult);

            default:
                throw new UnknownCommandException($"Unknown command: '{words[0]}'. Send 'help' for the list of commands.");
        }
    }

    private async Task<Action<Utf8JsonWriter>> ShowAsync(string? noun, List<string> words, CancellationToken cancellationToken) => noun switch
    {
        "workers" => Ok(await Call(_handler.ShowWorkersAsync(cancellationToken), cancellationToken), s_json.WorkersData),
        "stats" => Ok(await Call(_handler.ShowStatsAsync(cancellationToken), cancellationToken), s_json.StatsData),
        "config" => Ok(await Call(_handler.ShowConfigAsync(cancellationToken), cancellationToken), s_json.ConfigData),
        "listeners" => Ok(await Call(_handler.ShowListenersAsync(cancellationToken), cancellationToken), s_json.ListenersData),
        "dirty" => Ok(await Call(_handler.ShowDirtyAsync(cancellationToken), cancellationToken), s_json.DirtyData),
        "metrics" => Ok(await Call(_handler.ShowMetricsAsync(cancellationToken), cancellationToken), s_json.MetricsData),
        "all" => Ok(await ShowAllAsync(cancellationToken), s_json.AllData),
        null => throw new ControlArgumentException("'show' needs one of: workers, stats, config, listeners, dirty, metrics, all"),
        _ => throw new ControlArgumentException($"cannot show '{words[1]}'; choose workers, stats, config, listeners, dirty, metrics or all"),
    };

    private async Task<Action<Utf8JsonWriter>> WorkerAsync(string? noun, List<string> words, CancellationToken cancellationToken)
    {
        switch (noun)
        {
            case "add":
                ExpectNoMore(words, 3, "worker add");
                return Ok(await Call(_handler.AddWorkersAsync(Count(words, 2), cancellationToken), cancellationToken), s_json.WorkersAdded);
            case "remove":
                ExpectNoMore(words, 3, "worker remove");
                return Ok(await Call(_handler.RemoveWorkersAsync(Count(words, 2), cancellationToken), cancellationToken), s_json.WorkersRemoved);
            case "kill":
                if (words.Count < 3)
                {
                    throw new ControlArgumentException("'worker kill' needs a PID");
                }

                ExpectNoMore(words, 3, "worker kill");
                if (!int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
                {
                    throw new ControlArgumentException($"'{words[2]}' is not a process id");
                }

                return Ok(await Call(_handler.KillWorkerAsync(pid, cancellationToken), cancellationToken), s_json.WorkerKillResult);
            default:
                throw new ControlArgumentException("'worker' needs one of: add [N], remove [N], kill PID");
        }
    }

    private async Task<Action<Utf8JsonWriter>> DirtyAsync(string? noun, List<string> words, CancellationToken cancellationToken)
    {
        switch (noun)
        {
            case "add":
                ExpectNoMore(words, 3, "dirty add");
                return Ok(await Call(_handler.AddDirtyWorkersAsync(Count(words, 2), cancellationToken), cancellationToken), s_json.DirtyScaleResult);
            case "remove":
                ExpectNoMore(words, 3, "dirty remove");
                return Ok(await Call(_handler.RemoveDirtyWorkersAsync(Count(words, 2), cancellationToken), cancellationToken), s_json.DirtyScaleResult);
            default:
                throw new ControlArgumentException("'dirty' needs one of: add [N], remove [N]");
        }
    }

    private async Task<AllData> ShowAllAsync(CancellationToken cancellationToken)
    {
        StatsData stats = await Call(_handler.ShowStatsAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        WorkersData workers = await Call(_handler.ShowWorkersAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        DirtyData dirty = await Call(_handler.ShowDirtyAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        ProcessSummary? dirtyArbiter = dirty.Pid is int dirtyPid ? new ProcessSummary(dirtyPid, "dirty_arbiter", "dirty") : null;
        return new AllData(
            new ProcessSummary(stats.Pid, "arbiter", "master"),
            workers.Workers,
            workers.Count,
            stats.WorkersTarget,
            stats.Uptime,
            dirtyArbiter,
            dirty.Workers,
            dirty.Count);
    }

    // The handler may ignore the token; WaitAsync makes the timeout hold regardless.
    private static async Task<T> Call<T>(Task<T> task, CancellationToken cancellationToken)
    {
        T result = await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return result ?? throw new InvalidOperationException("the master returned no data");
    }

    private static Action<Utf8JsonWriter> Ok<T>(T value, JsonTypeInfo<T> typeInfo) => writer => JsonSerializer.Serialize(writer, value, typeInfo);

    private static void ExpectNoMore(List<string> words, int allowed, string command)
    {
        if (words.Count > allowed)
        {
            throw new ControlArgumentException($"unexpected '{words[allowed]}' after '{command.Trim()}'");
        }
    }

    private static int Count(List<string> words, int index)
    {
        if (words.Count <= index)
        {
            return 1;
        }

        if (!int.TryParse(words[index], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1 || count > MaxCount)
        {
            throw new ControlArgumentException($"N must be a whole number from 1 to {MaxCount}, not '{words[index]}'");
        }

        return count;
    }

    private sealed class UnknownCommandException(string message) : Exception(message);
}
