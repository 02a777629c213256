using System.Text.Json;

namespace Unicornet.Config.Script;

/// <summary>One error as the compile process reports it.</summary>
internal sealed record CompileError(string Message, string? Subject, ScriptPosition? Position)
{
    public static CompileError From(ConfigException e) =>
        new(e.Message, e.Subject, e.Location is null ? null : ScriptPosition.From(e.Location));

    public ConfigException ToException() => new(Message, Position?.ToLocation(), Subject);
}

/// <summary>
/// What the compile process (UNICORNET_ROLE=compile) writes to stdout as JSON: either the
/// metadata of the cached build or every error. <see cref="ChildProcessCompiler"/> reads it back.
/// </summary>
internal sealed record CompileResult
{
    public ScriptMetadata? Metadata { get; init; }

    public string? CacheDirectory { get; init; }

    public bool FromCache { get; init; }

    public IReadOnlyList<CompileError> Errors { get; init; } = [];

    /// <summary>The compile process's peak resident set (VmHWM), for diagnostics and measurements.</summary>
    public long? PeakRssBytes { get; init; }

    /// <summary>How long the compilation took inside the compile process.</summary>
    public double? CompileMilliseconds { get; init; }

    public static CompileResult Success(CompiledScript script, ScriptMetadata meta, string cacheDirectory) =>
        new() { Metadata = meta, CacheDirectory = cacheDirectory, FromCache = script.FromCache };

    public static CompileResult Failure(ConfigException e) =>
        new() { Errors = new[] { e }.Concat(e.Others).Select(CompileError.From).ToArray() };

    public string ToJson() => JsonSerializer.Serialize(this, ScriptJsonContext.Default.CompileResult);

    public static CompileResult? FromJson(string json) => JsonSerializer.Deserialize(json, ScriptJsonContext.Default.CompileResult);

    /// <summary>The errors as one exception (the first, with the rest in <see cref="ConfigException.Others"/>).</summary>
    public static ConfigException ToException(IReadOnlyList<CompileError> errors)
    {
        ConfigException[] all = errors.Select(e => e.ToException()).ToArray();
        return new ConfigException(all[0].Message, all[0].Location, all[0].Subject) { Others = all[1..] };
    }
}
