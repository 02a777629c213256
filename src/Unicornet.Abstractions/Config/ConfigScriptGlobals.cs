namespace Unicornet;

/// <summary>
/// What a <c>unicornet.conf.csx</c> script sees as its globals: one property per setting under
/// gunicorn's snake_case name (<c>workers = 4;</c>, <c>bind = ["0.0.0.0:8000"];</c>). Reading a
/// setting gives the value assigned last, else its default, so <c>workers = workers * 2;</c> works.
/// Hooks are plain top-level methods (<c>void post_fork(Arbiter server, Worker worker) { ... }</c>)
/// or lambdas assigned to the hook's property (<c>post_fork = (server, worker) =&gt; ...;</c>).
/// </summary>
/// <remarks>The setting properties are generated from the settings registry (ConfigScriptGlobals.Settings.cs).</remarks>
public sealed partial class ConfigScriptGlobals
{
    private readonly Dictionary<string, object?> _values;
    private readonly List<KeyValuePair<string, object?>> _assignments = [];
    private readonly HashSet<string> _readMutable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Delegate> _hooks = new(StringComparer.Ordinal);

    /// <summary>Creates globals where every setting reads as its type's default until assigned.</summary>
    public ConfigScriptGlobals()
        : this(null)
    {
    }

    /// <summary>Creates globals whose unassigned settings read as <paramref name="defaults"/>.</summary>
    /// <param name="defaults">Setting name to default value.</param>
    public ConfigScriptGlobals(IReadOnlyDictionary<string, object?>? defaults)
    {
        _values = defaults is null ? new(StringComparer.Ordinal) : new(defaults, StringComparer.Ordinal);
    }

    /// <summary>Every assignment the script made, in order (a setting assigned twice appears twice).</summary>
    internal IReadOnlyList<KeyValuePair<string, object?>> Assignments => _assignments;

    /// <summary>Settings holding a list or dictionary that the script read (it may have changed them in place).</summary>
    internal IReadOnlyCollection<string> ReadMutable => _readMutable;

    /// <summary>Hooks the script assigned as lambdas (<c>post_fork = (server, worker) =&gt; ...;</c>).</summary>
    internal IReadOnlyDictionary<string, Delegate> HookDelegates => _hooks;

    /// <summary>The current value of a setting (last assigned, else default).</summary>
    internal object? Current(string name) => _values.GetValueOrDefault(name);

    private T GetValue<T>(string name)
    {
        object? value = _values.GetValueOrDefault(name);
        if (value is StringList or System.Collections.IDictionary)
        {
            // bind.Add("...") changes the default in place without an assignment; remember to look.
            _readMutable.Add(name);
        }

        return value is T t ? t : default!;
    }

    private T? GetHook<T>(string name)
        where T : Delegate => _hooks.GetValueOrDefault(name) as T;

    private void SetHook(string name, Delegate? value)
    {
        if (value is null)
        {
            _hooks.Remove(name);
        }
        else
        {
            _hooks[name] = value;
        }
    }

    private void SetValue(string name, object? value)
    {
        _values[name] = value;
        _assignments.Add(new KeyValuePair<string, object?>(name, value));
    }
}
