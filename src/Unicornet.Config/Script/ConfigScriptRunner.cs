using System.Reflection;
using System.Runtime.Loader;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Script;

/// <summary>
/// Runs a cached compiled config in this process without Roslyn: loads the assembly (and PDB, for
/// script lines in stack traces) into a collectible load context, calls the submission's
/// <c>&lt;Factory&gt;</c> with a <see cref="ConfigScriptGlobals"/>, collects the assignments, checks every
/// value and binds the hook methods.
/// </summary>
public sealed class ConfigScriptRunner : IConfigScriptRunner
{
    private const string SubmissionType = "Submission#0";
    private const string FactoryMethod = "<Factory>";

    /// <inheritdoc />
    public ScriptEvaluation Run(CompiledScript script, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(environment);
        var defaults = new Dictionary<string, object?>(StringComparer.Ordinal);
        var printedDefaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (SettingDefinition def in SettingsRegistry.All)
        {
            object? value = DefaultOf(def, environment);
            defaults[def.Name] = value;
            if (def.Type is SettingType.Strings or SettingType.Map or SettingType.ObjectMap)
            {
                printedDefaults[def.Name] = SettingValues.Format(value);
            }
        }

        var globals = new ConfigScriptGlobals(defaults);
        var context = new ScriptLoadContext("unicornet-config:" + script.Hash[..12], script.References);
        Assembly assembly = Load(context, script);
        MethodInfo factory = assembly.GetType(SubmissionType)?.GetMethod(FactoryMethod, BindingFlags.Public | BindingFlags.Static, [typeof(object[])])
            ?? throw new ConfigException($"the cached assembly {script.AssemblyPath} is not a compiled config script", new SourceLocation(script.SourcePath, 1, 1), "config");

        object?[] submissions = [globals, null];
        try
        {
            var task = (Task<object>)factory.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [submissions], null)!;
            task.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            throw ScriptThrew(script, e);
        }

        object submission = submissions[1] ?? throw new ConfigException("the config script produced no submission object", new SourceLocation(script.SourcePath, 1, 1), "config");
        IReadOnlyList<ScriptAssignment> assignments = Assignments(globals, printedDefaults, script);
        Dictionary<string, BoundHook> hooks = HookBinder.Bind(submission, globals, script);
        return new ScriptEvaluation(assignments, new HookSet(hooks)) { LoadContext = context };
    }

    private static object? DefaultOf(SettingDefinition def, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            return SettingValues.Normalize(def, def.Default(environment));
        }
        catch (SettingValueException)
        {
            // A bad PORT/WEB_CONCURRENCY is reported by the resolver; the script reads the plain default.
            return SettingValues.Normalize(def, def.Default(new Dictionary<string, string>()));
        }
    }

    private static Assembly Load(AssemblyLoadContext context, CompiledScript script)
    {
        // Read into memory: the cache files stay replaceable and no handle is held.
        using var pe = new MemoryStream(File.ReadAllBytes(script.AssemblyPath));
        if (script.PdbPath is not null && File.Exists(script.PdbPath))
        {
            using var pdb = new MemoryStream(File.ReadAllBytes(script.PdbPath));
            return context.LoadFromStream(pe, pdb);
        }

        return context.LoadFromStream(pe);
    }

    /// <summary>One assignment per setting (its last value, at its last assignment), every value checked.</summary>
    private static List<ScriptAssignment> Assignments(ConfigScriptGlobals globals, Dictionary<string, string> printedDefaults, CompiledScript script)
    {
        var order = new List<string>();
        var last = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string name, object? value) in globals.Assignments)
        {
            if (!last.ContainsKey(name))
            {
                order.Add(name);
            }

            last[name] = value;
        }

        // `bind.Add("...")` or `raw_env.Add(...)` on an unassigned setting changed its default in place.
        foreach (string name in globals.ReadMutable)
        {
            if (!last.ContainsKey(name) && printedDefaults.TryGetValue(name, out string? before) && SettingValues.Format(globals.Current(name)) != before)
            {
                order.Add(name);
                last[name] = globals.Current(name);
            }
        }

        var result = new List<ScriptAssignment>(order.Count);
        var errors = new List<ConfigException>();
        foreach (string name in order)
        {
            SourceLocation? where = script.Assignments.TryGetValue(name, out IReadOnlyList<SourceLocation>? places) && places.Count > 0 ? places[^1] : null;
            SettingDefinition def = SettingsRegistry.Get(name);
            try
            {
                result.Add(new ScriptAssignment(name, SettingValues.Normalize(def, last[name]), where));
            }
            catch (SettingValueException e)
            {
                errors.Add(new ConfigException(e.Message, where ?? new SourceLocation(script.SourcePath, 1, 1), name));
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors[0].Message, errors[0].Location, errors[0].Subject) { Others = errors[1..] };
        }

        return result;
    }

    /// <summary>The script threw while running: report the script line, and the setting assigned there.</summary>
    private static ConfigException ScriptThrew(CompiledScript script, Exception e)
    {
        SourceLocation? line = HookSet.ScriptLine(e, script.SourcePath);
        string? subject = null;
        SourceLocation where = line ?? new SourceLocation(script.SourcePath, 1, 1);
        if (line is not null)
        {
            foreach ((string name, IReadOnlyList<SourceLocation> places) in script.Assignments)
            {
                foreach (SourceLocation place in places)
                {
                    if (place.Line == line.Line && string.Equals(Path.GetFullPath(place.Path), Path.GetFullPath(line.Path), StringComparison.Ordinal))
                    {
                        subject = name;
                        where = place;
                    }
                }
            }
        }

        return new ConfigException($"the script threw {e.GetType().Name}: {e.Message}", where, subject, e);
    }
}
