using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Text;
using Unicornet.Config.Script;

namespace Unicornet.Config.Compiler;

/// <summary>
/// One Roslyn compilation of a config script and its <c>#load</c>ed files: builds it, computes the
/// cache key, runs unicornet's own checks (hook signatures, misspelled hooks, unknown settings,
/// wrong-typed values), and emits PE + PDB.
/// </summary>
internal sealed class ScriptCompilation
{
    private static readonly string s_roslynVersion =
        typeof(CSharpCompilation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CSharpCompilation).Assembly.GetName().Version?.ToString() ?? "?";

    private readonly Compilation _compilation;
    private readonly string _root;

    private ScriptCompilation(string root, Compilation compilation)
    {
        _root = root;
        _compilation = compilation;
    }

    public static ScriptCompilation Create(string scriptPath)
    {
        string root = Path.GetFullPath(scriptPath);
        string text = File.ReadAllText(root);
        string directory = Path.GetDirectoryName(root) ?? "/";
        ScriptOptions options = ScriptOptions.Default
            .WithFilePath(root)
            .WithFileEncoding(Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithImports(ScriptReferences.Imports)
            .WithReferences(ScriptReferences.Build())
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, directory))
            .WithMetadataResolver(new NuGetRejectingResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory)));
        Script<object> script = CSharpScript.Create(text, options, typeof(ConfigScriptGlobals));
        return new ScriptCompilation(root, script.GetCompilation());
    }

    /// <summary>SHA-256 over every syntax tree, every <c>#r</c>'d assembly and the toolchain versions.</summary>
    public string Hash()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\0"));
        Add("unicornet-config/" + ScriptMetadata.CurrentFormat);
        Add(ScriptCache.Toolchain);
        Add("roslyn " + s_roslynVersion);
        Add(string.Join(",", ScriptReferences.Imports));
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            Add(tree.FilePath);
            Add(tree.GetText().ToString());
        }

        foreach (string reference in DirectiveReferencePaths())
        {
            Add(reference);
            Add(ScriptCache.HashFile(reference));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Every error: Roslyn's (explained in unicornet's terms) and unicornet's own checks, in source order.</summary>
    public List<ConfigException> Errors()
    {
        var errors = new List<ConfigException>();
        var nugetSpans = new List<Location>();
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            foreach (ReferenceDirectiveTriviaSyntax directive in tree.GetCompilationUnitRoot().GetReferenceDirectives())
            {
                string file = directive.File.ValueText;
                if (file.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
                {
                    nugetSpans.Add(directive.GetLocation());
                    errors.Add(new ConfigException(
                        $"NuGet references are not supported in config scripts ('#r \"{file}\"'); build the package into your app and reference the DLL with #r \"path/to/Assembly.dll\"",
                        ToLocation(directive.GetLocation()),
                        "#r"));
                }
            }
        }

        var explainer = new DiagnosticExplainer(_compilation);
        foreach (Diagnostic d in _compilation.GetDiagnostics())
        {
            if (d.Severity != DiagnosticSeverity.Error || nugetSpans.Any(n => n.SourceTree == d.Location.SourceTree && n.SourceSpan.OverlapsWith(d.Location.SourceSpan)))
            {
                continue;
            }

            errors.Add(explainer.Explain(d, ToLocation(d.Location) ?? new SourceLocation(_root, 1, 1)));
        }

        var checks = new ScriptChecks(_compilation);
        errors.AddRange(checks.Run());
        if (errors.Count > 0)
        {
            errors.AddRange(checks.ConstantValueErrors());
        }

        return errors
            .DistinctBy(e => (e.Location?.ToString(), e.Message))
            .OrderBy(e => FileOrder(e.Location?.Path))
            .ThenBy(e => e.Location?.Line ?? 0)
            .ThenBy(e => e.Location?.Column ?? 0)
            .ToList();
    }

    /// <summary>The metadata for the cache (inputs, assignment and hook positions).</summary>
    public ScriptMetadata Metadata(string hash)
    {
        var inputs = new List<ScriptInput>();
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            string path = Path.GetFullPath(tree.FilePath);
            if (File.Exists(path) && inputs.All(i => i.Path != path))
            {
                inputs.Add(new ScriptInput(path, ScriptCache.HashFile(path), ScriptInput.SourceKind));
            }
        }

        foreach (string reference in DirectiveReferencePaths())
        {
            inputs.Add(new ScriptInput(reference, ScriptCache.HashFile(reference), ScriptInput.ReferenceKind));
        }

        var checks = new ScriptChecks(_compilation);
        return new ScriptMetadata
        {
            Hash = hash,
            RootPath = _root,
            Toolchain = ScriptCache.Toolchain,
            CompilerVersion = s_roslynVersion,
            Inputs = inputs,
            Assignments = checks.AssignmentPositions(),
            Hooks = checks.HookPositions(),
        };
    }

    /// <summary>Emits the assembly and its portable PDB.</summary>
    public (byte[] Assembly, byte[] Pdb) Emit()
    {
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        EmitResult result = _compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success)
        {
            ConfigException[] errors = result.Diagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => new ConfigException($"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}", ToLocation(d.Location) ?? new SourceLocation(_root, 1, 1)))
                .ToArray();
            if (errors.Length == 0)
            {
                errors = [new ConfigException("emitting the compiled script failed", new SourceLocation(_root, 1, 1))];
            }

            throw new ConfigException(errors[0].Message, errors[0].Location, errors[0].Subject) { Others = errors[1..] };
        }

        return (pe.ToArray(), pdb.ToArray());
    }

    internal static SourceLocation? ToLocation(Location location)
    {
        if (!location.IsInSource && location.Kind != LocationKind.ExternalFile)
        {
            return null;
        }

        FileLinePositionSpan span = location.GetLineSpan();
        if (string.IsNullOrEmpty(span.Path))
        {
            return null;
        }

        return new SourceLocation(Path.GetFullPath(span.Path), span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }

    private int FileOrder(string? path)
    {
        int i = 0;
        foreach (SyntaxTree tree in _compilation.SyntaxTrees)
        {
            if (path is not null && Path.GetFullPath(tree.FilePath) == path)
            {
                return i;
            }

            i++;
        }

        return i;
    }

    private IEnumerable<string> DirectiveReferencePaths() =>
        _compilation.DirectiveReferences
            .OfType<PortableExecutableReference>()
            .Select(r => r.FilePath)
            .Where(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            .Select(p => Path.GetFullPath(p!))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    /// <summary>Answers <c>#r "nuget:..."</c> with nothing so Roslyn does not go looking; the directive is reported separately.</summary>
    private sealed class NuGetRejectingResolver : MetadataReferenceResolver
    {
        private readonly MetadataReferenceResolver _inner;

        public NuGetRejectingResolver(MetadataReferenceResolver inner)
        {
            _inner = inner;
        }

        public override bool ResolveMissingAssemblies => _inner.ResolveMissingAssemblies;

        public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties) =>
            reference.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase)
                ? ImmutableArray<PortableExecutableReference>.Empty
                : _inner.ResolveReference(reference, baseFilePath, properties);

        public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
            _inner.ResolveMissingAssembly(definition, referenceIdentity);

        public override bool Equals(object? other) => other is NuGetRejectingResolver r && r._inner.Equals(_inner);

        public override int GetHashCode() => _inner.GetHashCode();
    }
}
