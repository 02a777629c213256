using System.Diagnostics;
using System.Reflection;

namespace Unicornet.Config.Hooks;

/// <summary>
/// The hooks a config script defined. Invoking one runs it with the failure policy from
/// <see cref="HookRegistry"/>: a throw is always logged with the script line; then it is either
/// swallowed (the process lives on) or rethrown as <see cref="HookFailedException"/>.
/// </summary>
public sealed class HookSet
{
    private readonly IReadOnlyDictionary<string, BoundHook> _hooks;
    private ILog? _log;

    /// <summary>Creates a set from bound hooks.</summary>
    public HookSet(IReadOnlyDictionary<string, BoundHook> hooks)
    {
        _hooks = hooks;
    }

    /// <summary>A set with no hooks.</summary>
    public static HookSet Empty { get; } = new(new Dictionary<string, BoundHook>());

    /// <summary>The names of the hooks the script defined.</summary>
    public IEnumerable<string> Defined => _hooks.Keys;

    /// <summary>Sets the log that hook failures go to.</summary>
    public void UseLog(ILog log) => _log = log;

    /// <summary>True when the script defines <paramref name="name"/>.</summary>
    public bool Has(string name) => _hooks.ContainsKey(name);

    /// <summary>Runs a hook and waits for it; does nothing when the script does not define it.</summary>
    public void Invoke(string name, params object?[] args) => InvokeAsync(name, args).GetAwaiter().GetResult();

    /// <summary>Runs a hook; does nothing when the script does not define it.</summary>
    public async Task InvokeAsync(string name, params object?[] args)
    {
        if (!_hooks.TryGetValue(name, out BoundHook? hook))
        {
            return;
        }

        try
        {
            object? result = hook.Invoke(args);
            if (result is Task task)
            {
                await task.ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Fail(hook, e);
        }
    }

    /// <summary>Runs a hook that returns a value (<c>ssl_context</c>); <paramref name="fallback"/> when it is not defined.</summary>
    public T Call<T>(string name, Func<T> fallback, params object?[] args)
    {
        if (!_hooks.TryGetValue(name, out BoundHook? hook))
        {
            return fallback();
        }

        try
        {
            return (T)hook.Invoke(args)!;
        }
        catch (Exception e)
        {
            Fail(hook, e);
            return fallback();
        }
    }

    private void Fail(BoundHook hook, Exception e)
    {
        Exception error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
        SourceLocation? where = ScriptLine(error, hook.Location?.Path) ?? hook.Location;
        _log?.Exception(error, "Exception in hook {Hook} at {Location}", hook.Definition.Name, where?.ToString() ?? "unknown location");
        if (hook.Definition.Policy != HookFailurePolicy.LogAndContinue)
        {
            throw new HookFailedException(hook.Definition.Name, where, error);
        }
    }

    /// <summary>The innermost stack frame that lies in the script (its PDB gives file and line).</summary>
    internal static SourceLocation? ScriptLine(Exception error, string? scriptPath)
    {
        var trace = new StackTrace(error, fNeedFileInfo: true);
        foreach (StackFrame frame in trace.GetFrames())
        {
            string? file = frame.GetFileName();
            if (file is not null && file.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && frame.GetFileLineNumber() > 0)
            {
                return new SourceLocation(file, frame.GetFileLineNumber(), Math.Max(1, frame.GetFileColumnNumber()));
            }
        }

        return null;
    }
}
