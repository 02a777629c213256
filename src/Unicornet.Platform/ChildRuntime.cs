using System.Diagnostics;

namespace Unicornet.Platform;

/// <summary>
/// The .NET runtime settings unicornet passes to its own child processes through the environment, named in
/// one place: every spawner (workers, dirty arbiter, dirty workers) and the code that reads them back.
/// </summary>
public static class ChildRuntime
{
    /// <summary>Runs socket continuations on the thread that polled the socket instead of the thread pool.</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private const string Gen0SizeVariable = "DOTNET_GCgen0size";

    /// <summary>True when this process runs socket continuations inline (see <see cref="InlineSocketCompletionsVariable"/>).</summary>
    public static bool InlineSocketCompletions => Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable) == "1";

    /// <summary>
    /// A small gen0 budget for a long-running child. Measured (dotnet-notes §8): it keeps idle and loaded RSS low
    /// under workstation non-concurrent GC.
    /// </summary>
    public static void UseSmallGen0(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.Environment[Gen0SizeVariable] = "0x200000";
    }
}
