using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Unicornet.Config.Hooks;
using Unicornet.Config.Script;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Compiler;

/// <summary>
/// unicornet's own checks over a script's symbols: hook methods must have a hook signature, names
/// that look like a misspelled hook are errors (gunicorn silently ignores them), and a top-level
/// variable must not hide a setting. Also finds where settings are assigned and hooks defined.
/// </summary>
internal sealed class ScriptChecks
{
    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol? _globals;

    public ScriptChecks(Compilation compilation)
    {
        _compilation = compilation;
        _globals = compilation.GetTypeByMetadataName(typeof(ConfigScriptGlobals).FullName!);
    }

    public IEnumerable<ConfigException> Run()
    {
        INamedTypeSymbol? script = _compilation.ScriptClass;
        if (script is null)
        {
            yield break;
        }

        foreach ((string hook, SourceLocation where, ExpressionSyntax value) in HookAssignments())
        {
            if (value is AnonymousFunctionExpressionSyntax lambda && lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
            {
                // An async lambda assigned to an Action is async void: its exceptions would crash the process.
                yield return new ConfigException(
                    $"an async lambda hook cannot be awaited; write a method instead: async Task {hook}(...)",
                    where,
                    hook);
            }
        }

        var members = script.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.CanBeReferencedByName && m.Locations.Length > 0 && m.Locations[0].IsInSource)
            .ToList();
        foreach (IGrouping<string, ISymbol> group in members.GroupBy(m => m.Name, StringComparer.Ordinal))
        {
            string name = group.Key;
            ISymbol first = group.First();
            SourceLocation? where = ScriptCompilation.ToLocation(first.Locations[0]);
            HookDefinition? hook = HookRegistry.Find(name);
            if (hook is not null)
            {
                List<IMethodSymbol> methods = group.OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
                if (methods.Count == 0)
                {
                    yield return new ConfigException($"a hook must be a method: expected {Expected(hook)}", where, name);
                }
                else if (!methods.Any(m => Matches(hook, m)))
                {
                    IMethodSymbol wrong = methods[0];
                    yield return new ConfigException(
                        $"expected {Expected(hook)}, found {Render(wrong)}",
                        ScriptCompilation.ToLocation(wrong.Locations[0]),
                        name);
                }

                continue;
            }

            if (SettingsRegistry.Find(name) is { } setting)
            {
                if (first is IFieldSymbol or IPropertySymbol)
                {
                    yield return new ConfigException(
                        $"this declares a new variable that hides the setting '{name}'; assign the setting instead: {name} = ...; (its type is {setting.ScriptTypeName})",
                        where,
                        name);
                }

                continue;
            }

            if (LooksLikeHook(name) is { } meant)
            {
                string what = first is IMethodSymbol ? "method" : "variable";
                yield return new ConfigException(
                    $"'{name}' is not a hook, so this {what} would never be called; did you mean '{meant}'? ({Expected(HookRegistry.Find(meant)!)})",
                    where,
                    name);
            }
        }
    }

    /// <summary>
    /// Settings given a constant their check refuses (<c>workers = -1;</c>). Used when the script has
    /// compile errors, so it never runs to have its values checked: the user still sees every error in
    /// one go. Only a setting assigned once, by a top-level statement free of compile errors, is
    /// judged: a value in a branch, or replaced later, may never reach the setting.
    /// </summary>
    public IEnumerable<ConfigException> ConstantValueErrors()
    {
        var assigned = new Dictionary<string, List<(AssignmentExpressionSyntax Assignment, SemanticModel Model)>>(StringComparer.Ordinal);
        var changedInPlace = new HashSet<string>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            SemanticModel model = _compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax { Left: IdentifierNameSyntax left } assignment && SettingOf(model, left) is { } name)
                {
                    if (!assigned.TryGetValue(name, out var list))
                    {
                        assigned[name] = list = [];
                    }

                    list.Add((assignment, model));
                }
                else if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } } && SettingOf(model, receiver) is { } mutated)
                {
                    changedInPlace.Add(mutated);
                }
            }
        }

        foreach ((string name, var places) in assigned)
        {
            if (places.Count != 1 || changedInPlace.Contains(name))
            {
                continue;
            }

            (AssignmentExpressionSyntax assignment, SemanticModel model) = places[0];
            bool topLevel = assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Parent is ExpressionStatementSyntax { Parent: GlobalStatementSyntax };
            if (!topLevel || model.GetDiagnostics(assignment.Span).Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                continue;
            }

            Optional<object?> constant = model.GetConstantValue(assignment.Right);
            SettingDefinition def = SettingsRegistry.Get(name);
            bool sameType = constant.HasValue && (constant.Value is null ? def.Type == SettingType.Text : constant.Value.GetType() == def.ClrType);
            if (!sameType || ScriptCompilation.ToLocation(assignment.Left.GetLocation()) is not { } where)
            {
                continue;
            }

            string? refused = null;
            try
            {
                SettingValues.Normalize(def, constant.Value);
            }
            catch (SettingValueException e)
            {
                refused = e.Message;
            }

            if (refused is not null)
            {
                yield return new ConfigException(refused, where, name);
            }
        }
    }

    /// <summary>Setting name to every position it is assigned (or changed in place, <c>bind.Add(...)</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ScriptPosition>> AssignmentPositions()
    {
        var found = new Dictionary<string, List<ScriptPosition>>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            SemanticModel model = _compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                IdentifierNameSyntax? target = node switch
                {
                    AssignmentExpressionSyntax { Left: IdentifierNameSyntax left } => left,
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax receiver } } => receiver,
                    _ => null,
                };
                if (target is not null && SettingOf(model, target) is { } name && ScriptCompilation.ToLocation(target.GetLocation()) is { } where)
                {
                    if (!found.TryGetValue(name, out List<ScriptPosition>? list))
                    {
                        found[name] = list = [];
                    }

                    list.Add(ScriptPosition.From(where));
                }
            }
        }

        return found.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ScriptPosition>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Hook name to the position of its method's name.</summary>
    public IReadOnlyDictionary<string, ScriptPosition> HookPositions()
    {
        var hooks = new Dictionary<string, ScriptPosition>(StringComparer.Ordinal);
        if (_compilation.ScriptClass is not { } script)
        {
            return hooks;
        }

        foreach (IMethodSymbol method in script.GetMembers().OfType<IMethodSymbol>())
        {
            if (HookRegistry.Find(method.Name) is { } hook && Matches(hook, method) && ScriptCompilation.ToLocation(method.Locations[0]) is { } where)
            {
                hooks.TryAdd(method.Name, ScriptPosition.From(where));
            }
        }

        foreach ((string hook, SourceLocation where, _) in HookAssignments())
        {
            hooks.TryAdd(hook, ScriptPosition.From(where)); // a method of the same name wins, as in the runner
        }

        return hooks;
    }

    /// <summary>The setting an identifier names, when it resolves to a globals property.</summary>
    internal string? SettingOf(SemanticModel model, IdentifierNameSyntax identifier) =>
        GlobalOf(model, identifier) is { } name && SettingsRegistry.Find(name) is not null ? name : null;

    /// <summary>The hook an identifier names, when it resolves to a globals hook property (a lambda hook).</summary>
    internal string? HookPropertyOf(SemanticModel model, IdentifierNameSyntax identifier) =>
        GlobalOf(model, identifier) is { } name && HookRegistry.Find(name) is not null ? name : null;

    private string? GlobalOf(SemanticModel model, IdentifierNameSyntax identifier) =>
        model.GetSymbolInfo(identifier).Symbol is IPropertySymbol p && SymbolEqualityComparer.Default.Equals(p.ContainingType, _globals)
            ? p.Name
            : null;

    /// <summary>Lambda hooks: (hook name, position of the assigned name, the assigned value).</summary>
    private IEnumerable<(string Hook, SourceLocation Where, ExpressionSyntax Value)> HookAssignments()
    {
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            SemanticModel model = _compilation.GetSemanticModel(tree);
            foreach (AssignmentExpressionSyntax assignment in tree.GetRoot().DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (assignment.Left is IdentifierNameSyntax left && HookPropertyOf(model, left) is { } hook && ScriptCompilation.ToLocation(left.GetLocation()) is { } where)
                {
                    yield return (hook, where, assignment.Right);
                }
            }
        }
    }

    /// <summary>The hook a name seems to misspell: within two edits, or a prefix (<c>on_start</c>).</summary>
    internal static string? LooksLikeHook(string name)
    {
        if (name.Length < 4 || HookRegistry.Find(name) is not null || SettingsRegistry.Find(name) is not null)
        {
            return null;
        }

        string lower = name.ToLowerInvariant();
        if (HookRegistry.Find(lower) is not null)
        {
            return lower; // PostFork-style casing is a different name in C#
        }

        string? close = name.Length >= 6 ? NameDistance.Closest(lower, HookRegistry.All.Select(h => h.Name)) : null;
        if (close is not null)
        {
            return close;
        }

        if (name.Contains('_', StringComparison.Ordinal) && name.Length >= 5)
        {
            foreach (HookDefinition hook in HookRegistry.All)
            {
                if (hook.Name.StartsWith(lower, StringComparison.Ordinal))
                {
                    return hook.Name;
                }
            }
        }

        return null;
    }

    internal static string Expected(HookDefinition hook)
    {
        string sigs = string.Join(" or ", hook.Signatures.Select(s => s.Render(hook.Name)));
        return hook.Signatures[0].Returns == typeof(void) ? sigs + " (async Task is accepted too)" : sigs;
    }

    private static string Render(IMethodSymbol method) =>
        $"{method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {method.Name}({string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name))})";

    private static bool Matches(HookDefinition hook, IMethodSymbol method)
    {
        foreach (HookSignature sig in hook.Signatures)
        {
            if (method.Parameters.Length != sig.Parameters.Count || method.IsGenericMethod)
            {
                continue;
            }

            bool same = true;
            for (int i = 0; i < sig.Parameters.Count && same; i++)
            {
                same = method.Parameters[i].RefKind == RefKind.None && SameType(method.Parameters[i].Type, sig.Parameters[i].Type);
            }

            bool returns = sig.Returns == typeof(void)
                ? method.ReturnsVoid || SameType(method.ReturnType, typeof(Task)) || SameType(method.ReturnType, typeof(ValueTask))
                : SameType(method.ReturnType, sig.Returns);
            if (same && returns)
            {
                return true;
            }
        }

        return false;
    }

    private static bool SameType(ITypeSymbol symbol, Type type)
    {
        if (type.IsGenericType)
        {
            if (symbol is not INamedTypeSymbol { IsGenericType: true } named)
            {
                return false;
            }

            Type[] args = type.GetGenericArguments();
            if (named.TypeArguments.Length != args.Length || MetadataName(named.OriginalDefinition) != type.GetGenericTypeDefinition().FullName)
            {
                return false;
            }

            for (int i = 0; i < args.Length; i++)
            {
                if (!SameType(named.TypeArguments[i], args[i]))
                {
                    return false;
                }
            }

            return true;
        }

        return MetadataName(symbol) == type.FullName;
    }

    private static string MetadataName(ITypeSymbol symbol)
    {
        string ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        string outer = symbol.ContainingType is { } containing ? MetadataName(containing) + "+" : ns;
        return symbol.ContainingType is null ? ns + symbol.MetadataName : outer + symbol.MetadataName;
    }
}
