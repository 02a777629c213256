namespace Unicornet.Config;

/// <summary>A place in a config script, 1-based, as errors print it: <c>path:line:column</c>.</summary>
public sealed record SourceLocation(string Path, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}:{Line}:{Column}";
}
