using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Unicornet.Config.Hooks;
using Unicornet.Config.Settings;

namespace Unicornet.Config.Compiler;

/// <summary>
/// Turns a Roslyn error into a <see cref="ConfigException"/> in config terms: an unknown name that
/// is assigned is an unknown setting (with a suggestion), a conversion error in an assignment to a
/// setting names the setting and its type; anything else keeps Roslyn's message and names the
/// setting or hook it sits in.
/// </summary>
internal sealed class DiagnosticExplainer
{
    private static readonly HashSet<string> s_conversionErrors = new(StringComparer.Ordinal)
    {
        "CS0029", // cannot implicitly convert
        "CS0266", // cannot implicitly convert (explicit conversion exists)
        "CS0031", // constant value cannot be converted
        "CS0037", // cannot convert null to a non-nullable value type
        "CS1662", // lambda return type
        "CS9174", // cannot initialise type with a collection expression
        "CS1950", // best overloaded Add for collection initialiser
    };

    private readonly Compilation _compilation;
    private readonly ScriptChecks _checks;

    public DiagnosticExplainer(Compilation compilation)
    {
        _compilation = compilation;
        _checks = new ScriptChecks(compilation);
    }

    public ConfigException Explain(Diagnostic diagnostic, SourceLocation where)
    {
        string roslyn = $"{diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
        SyntaxTree? tree = diagnostic.Location.SourceTree;
        if (tree is null)
        {
            return new ConfigException(roslyn, where);
        }

        SemanticModel model = _compilation.GetSemanticModel(tree);
        SyntaxNode node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (diagnostic.Id == "CS0103" && node is IdentifierNameSyntax unknown)
        {
            return UnknownName(unknown, where);
        }

        if (diagnostic.Id == "CS1656" && node is IdentifierNameSyntax { Identifier.ValueText: var both } && HookRegistry.Find(both) is not null)
        {
            return new ConfigException($"the hook is defined as a method and also assigned a lambda; keep one of them", where, both);
        }

        AssignmentExpressionSyntax? assignment = node.AncestorsAndSelf().OfType<AssignmentExpressionSyntax>().FirstOrDefault();
        string? setting = assignment?.Left is IdentifierNameSyntax left ? _checks.SettingOf(model, left) : null;
        if (setting is not null && s_conversionErrors.Contains(diagnostic.Id) && assignment!.Right.Span.Contains(diagnostic.Location.SourceSpan))
        {
            SettingDefinition def = SettingsRegistry.Get(setting);
            ITypeSymbol? given = model.GetTypeInfo(assignment.Right).Type;
            string value = assignment.Right.ToString();
            value = value.Length > 40 ? value[..37] + "..." : value;
            string givenText = given is null ? "" : given.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " ";
            return new ConfigException($"expects {def.ScriptTypeName}, cannot assign {givenText}{value} ({roslyn})", where, setting);
        }

        // Name the hook or setting the error sits in, so a long script's error is easy to place.
        string? subject = setting;
        if (subject is null && node.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is { } method)
        {
            subject = method.Identifier.ValueText;
        }

        return new ConfigException(roslyn, where, subject);
    }

    private static ConfigException UnknownName(IdentifierNameSyntax identifier, SourceLocation where)
    {
        string name = identifier.Identifier.ValueText;
        bool assigned = identifier.Parent is AssignmentExpressionSyntax a && a.Left == identifier;
        if (assigned && HookRegistry.Find(name) is { } hook)
        {
            return new ConfigException($"hooks are methods, not assignments: write {hook.Signatures[0].Render(name)} {{ ... }}", where, name);
        }

        string? setting = NameDistance.Closest(name.ToLowerInvariant(), SettingsRegistry.All.Select(s => s.Name));
        string? hookName = setting is null ? ScriptChecks.LooksLikeHook(name) : null;
        string hint = setting is not null ? $" (did you mean '{setting}'?)" : hookName is not null ? $" (did you mean the hook '{hookName}'?)" : "";
        return assigned
            ? new ConfigException($"unknown setting '{name}'{hint}", where, name)
            : new ConfigException($"the name '{name}' does not exist in the config script{hint}", where, name);
    }
}
