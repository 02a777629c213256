using System.Runtime.CompilerServices;
using Serilog;
using Serilog.Formatting;

namespace Unicornet.Logging;

/// <summary>
/// The error log's file sink, kept out of <see cref="UnicornetLog"/>'s own methods: compiling a method resolves
/// every assembly it names, so a process logging to stderr (the default <c>errorlog = "-"</c>) never loads
/// Serilog.Sinks.File.
/// </summary>
internal static class FileSink
{
    /// <summary>Adds the shared, unbuffered file sink at <paramref name="path"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static LoggerConfiguration WriteTo(LoggerConfiguration cfg, ITextFormatter formatter, string path) =>
        cfg.WriteTo.File(formatter, path, shared: true, flushToDiskInterval: null);
}
