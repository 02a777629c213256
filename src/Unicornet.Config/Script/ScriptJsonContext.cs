using System.Text.Json.Serialization;

namespace Unicornet.Config.Script;

/// <summary>
/// Source-generated JSON for the cache files and the compile result: reflection-based
/// System.Text.Json costs far more on first use than the cached load it serves.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ScriptMetadata))]
[JsonSerializable(typeof(CompileResult))]
[JsonSerializable(typeof(ScriptIndexEntry))]
internal sealed partial class ScriptJsonContext : JsonSerializerContext
{
}

/// <summary>The index file: which hash was last compiled for a root script.</summary>
internal sealed record ScriptIndexEntry(string RootPath, string Hash);
