using System.Reflection;
using Unicornet.Config.Hooks;

namespace Unicornet.Config.Script;

/// <summary>
/// Finds the hook methods on a script's submission object and adapts each to the canonical
/// argument list of its hook (the first signature in <see cref="HookRegistry"/>).
/// </summary>
internal static class HookBinder
{
    private const BindingFlags Members = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    public static Dictionary<string, BoundHook> Bind(object submission, ConfigScriptGlobals globals, CompiledScript script)
    {
        var hooks = new Dictionary<string, BoundHook>(StringComparer.Ordinal);
        foreach (IGrouping<string, MethodInfo> group in submission.GetType().GetMethods(Members).GroupBy(m => m.Name, StringComparer.Ordinal))
        {
            HookDefinition? def = HookRegistry.Find(group.Key);
            if (def is null)
            {
                continue;
            }

            SourceLocation? location = script.Hooks.GetValueOrDefault(def.Name);
            (MethodInfo method, HookSignature signature) = group
                .Select(m => (Method: m, Signature: Match(def, m)))
                .FirstOrDefault(p => p.Signature is not null) is ({ } m, { } s)
                ? (m, s)
                : throw new ConfigException(
                    $"expected {string.Join(" or ", def.Signatures.Select(s => s.Render(def.Name)))}",
                    location ?? new SourceLocation(script.SourcePath, 1, 1),
                    def.Name);
            object? target = method.IsStatic ? null : submission;
            Func<object?[], object?[]> adapt = Adapter(def.Signatures[0], signature);
            hooks[def.Name] = new BoundHook(def, location, args =>
            {
                object? result = method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, adapt(args), null);
                return result is ValueTask vt ? vt.AsTask() : result;
            });
        }

        // Lambdas assigned to hook properties; a method of the same name wins.
        foreach ((string name, Delegate callback) in globals.HookDelegates)
        {
            if (hooks.ContainsKey(name) || HookRegistry.Find(name) is not { } def)
            {
                continue;
            }

            Delegate[] chain = callback.GetInvocationList(); // `post_fork += ...` adds to the chain
            hooks[name] = new BoundHook(def, script.Hooks.GetValueOrDefault(name), args =>
            {
                object? result = null;
                foreach (Delegate d in chain)
                {
                    result = d.Method.Invoke(d.Target, BindingFlags.DoNotWrapExceptions, null, args, null);
                }

                return result;
            });
        }

        return hooks;
    }

    /// <summary>The signature <paramref name="method"/> implements; a void hook may also return Task or ValueTask.</summary>
    public static HookSignature? Match(HookDefinition def, MethodInfo method)
    {
        ParameterInfo[] parameters = method.GetParameters();
        foreach (HookSignature sig in def.Signatures)
        {
            if (parameters.Length != sig.Parameters.Count)
            {
                continue;
            }

            bool same = true;
            for (int i = 0; i < parameters.Length && same; i++)
            {
                same = parameters[i].ParameterType == sig.Parameters[i].Type;
            }

            bool returns = sig.Returns == typeof(void)
                ? method.ReturnType == typeof(void) || method.ReturnType == typeof(Task) || method.ReturnType == typeof(ValueTask)
                : method.ReturnType == sig.Returns;
            if (same && returns)
            {
                return sig;
            }
        }

        return null;
    }

    // Maps canonical arguments onto the chosen signature by parameter role; an `environ` the
    // canonical list lacks is built from the request.
    private static Func<object?[], object?[]> Adapter(HookSignature canonical, HookSignature chosen)
    {
        if (ReferenceEquals(canonical, chosen))
        {
            return static args => args;
        }

        int[] map = new int[chosen.Parameters.Count];
        int requestIndex = -1;
        for (int i = 0; i < canonical.Parameters.Count; i++)
        {
            if (canonical.Parameters[i].Type == typeof(Request))
            {
                requestIndex = i;
            }
        }

        for (int i = 0; i < map.Length; i++)
        {
            (Type type, string name) = chosen.Parameters[i];
            map[i] = -1;
            for (int j = 0; j < canonical.Parameters.Count; j++)
            {
                if (canonical.Parameters[j].Type == type && canonical.Parameters[j].Name == name)
                {
                    map[i] = j;
                    break;
                }
            }
        }

        return args =>
        {
            object?[] mapped = new object?[map.Length];
            for (int i = 0; i < map.Length; i++)
            {
                if (map[i] >= 0)
                {
                    mapped[i] = map[i] < args.Length ? args[map[i]] : null;
                }
                else if (chosen.Parameters[i].Type == typeof(IReadOnlyDictionary<string, object?>) && requestIndex >= 0 && requestIndex < args.Length)
                {
                    mapped[i] = RequestEnviron.From(args[requestIndex] as Request);
                }
            }

            return mapped;
        };
    }
}
