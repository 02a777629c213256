namespace Unicornet.Config.Hooks;

/// <summary>What happens when a hook throws.</summary>
public enum HookFailurePolicy
{
    /// <summary>The error is logged with its script line and the process carries on.</summary>
    LogAndContinue,

    /// <summary>The master does not start (gunicorn lets these escape from <c>Arbiter.start</c>).</summary>
    AbortStartup,

    /// <summary>The worker fails to boot (exit 3), which stops the master as gunicorn does.</summary>
    FailWorkerBoot,
}

/// <summary>One accepted parameter list for a hook.</summary>
/// <param name="Parameters">Parameter types and their conventional names.</param>
/// <param name="Returns">The return type; hooks returning <see cref="Task"/> are awaited.</param>
public sealed record HookSignature(IReadOnlyList<(Type Type, string Name)> Parameters, Type Returns)
{
    /// <summary>The signature as C#: <c>void post_fork(Arbiter server, Worker worker)</c>.</summary>
    public string Render(string name) =>
        $"{TypeName(Returns)} {name}({string.Join(", ", Parameters.Select(p => TypeName(p.Type) + " " + p.Name))})";

    internal static string TypeName(Type t)
    {
        if (t == typeof(void))
        {
            return "void";
        }

        if (t == typeof(int))
        {
            return "int";
        }

        if (Nullable.GetUnderlyingType(t) is { } u)
        {
            return TypeName(u) + "?";
        }

        if (t.IsGenericType)
        {
            string name = t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)];
            return name + "<" + string.Join(", ", t.GetGenericArguments().Select(TypeName)) + ">";
        }

        return t.Name;
    }
}

/// <summary>A server or dirty hook: its gunicorn name, where it runs, and the signatures it may have.</summary>
public sealed record HookDefinition
{
    /// <summary>gunicorn's name, also the script method name.</summary>
    public required string Name { get; init; }

    /// <summary>The process it runs in.</summary>
    public required string Process { get; init; }

    /// <summary>When it runs.</summary>
    public required string When { get; init; }

    /// <summary>The accepted signatures; the first is the canonical one.</summary>
    public required IReadOnlyList<HookSignature> Signatures { get; init; }

    /// <summary>What a throw does.</summary>
    public HookFailurePolicy Policy { get; init; } = HookFailurePolicy.LogAndContinue;

    /// <summary>True for the four dirty-arbiter hooks.</summary>
    public bool Dirty { get; init; }
}
