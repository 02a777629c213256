using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.Runtime;
using Unicornet.Config;
using Unicornet.Platform;

namespace Unicornet.Arbitration;

/// <summary>
/// Reads the managed stacks of a stuck worker from outside, with ClrMD (ptrace attach, suspend, walk, detach).
/// Works even when the worker's runtime is wedged, where an in-process dump could not run.
/// </summary>
/// <remarks>
/// The walk runs in a short-lived helper process (<see cref="ProcessRoles.StackDump"/>), never in the master.
/// The master is the worker's parent and tracks it through <see cref="Process"/>, whose SIGCHLD handling calls
/// waitpid on the worker: it could take the ptrace-stop notice ClrMD's own waitpid waits for, and the attach
/// would then hang until the deadline (seen under load). A helper is the tracer without being the parent. It
/// also keeps ClrMD and the DAC out of the master's memory. Workers allow the master's descendants to trace
/// them (<see cref="ProcessInfo.AllowTracingBy"/>) for hosts with Yama's ptrace_scope=1.
/// </remarks>
internal static class StackDumper
{
    /// <summary>
    /// Names a file the helper waits for before it attaches, up to its deadline: tests hold a dump open
    /// with it to see the master carry on meanwhile. Unset in production.
    /// </summary>
    public const string GateVariable = "UNICORNET_STACK_DUMP_GATE";

    /// <summary>
    /// Dumps through the helper with a deadline. The master awaits this off its loop: signals, respawns and
    /// other timeouts go on while a wedged attach takes its time, and several workers are read at once.
    /// </summary>
    public static async Task<string> DumpAsync(int pid, TimeSpan limit, CancellationToken stop)
    {
        ProcessStartInfo psi = SelfLauncher.StartInfo(ProcessRoles.StackDump, pid.ToString(CultureInfo.InvariantCulture));
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        Process helper;
        try
        {
            helper = Process.Start(psi)!;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            return "stack traces unavailable: cannot start the helper: " + e.Message;
        }

        using (helper)
        {
            Task<string> output = helper.StandardOutput.ReadToEndAsync(CancellationToken.None);
            Task<string> errors = helper.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            deadline.CancelAfter(limit);
            try
            {
                await helper.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await KillAsync(helper).ConfigureAwait(false);
                return $"stack traces unavailable: no answer within {limit.TotalSeconds:F0} s";
            }

            string text = await ResultOrEmpty(output).ConfigureAwait(false);
            return text.Length > 0 ? text.TrimEnd('\n') : "stack traces unavailable: " + (await ResultOrEmpty(errors).ConfigureAwait(false) is { Length: > 0 } e ? e.Trim() : "the helper said nothing");
        }
    }

    private static async Task KillAsync(Process helper)
    {
        try
        {
            helper.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it exited just now
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await helper.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<string> ResultOrEmpty(Task<string> read)
    {
        try
        {
            return await read.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "";
        }
    }

    /// <summary>The walk itself, in the helper process.</summary>
    public static string Walk(int pid)
    {
        try
        {
            var sb = new StringBuilder();
            using DataTarget target = DataTarget.AttachToProcess(pid, suspend: true);
            if (target.ClrVersions.Length == 0)
            {
                return "no .NET runtime found in the process";
            }

            using ClrRuntime runtime = target.ClrVersions[0].CreateRuntime();
            foreach (ClrThread thread in runtime.Threads)
            {
                if (!thread.IsAlive)
                {
                    continue;
                }

                var frames = new List<string>();
                foreach (ClrStackFrame frame in thread.EnumerateStackTrace())
                {
                    if (frame.Method is not null)
                    {
                        frames.Add(frame.ToString() ?? "?");
                    }
                }

                if (frames.Count == 0)
                {
                    continue;
                }

                sb.Append("Thread ").Append(thread.ManagedThreadId).Append(" (os ").Append(thread.OSThreadId).Append("):\n");
                foreach (string f in frames)
                {
                    sb.Append("    at ").Append(f).Append('\n');
                }
            }

            return sb.Length == 0 ? "no managed frames" : sb.ToString();
        }
        catch (Exception e)
        {
            return "stack traces unavailable: " + e.Message;
        }
    }
}

/// <summary>The <see cref="ProcessRoles.StackDump"/> process: <c>unicornet</c> with the role set and a worker pid.</summary>
public static class StackDumpEntry
{
    /// <summary>Prints the managed stacks of the process whose pid is the only argument.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 1 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            Console.Error.WriteLine("usage: UNICORNET_ROLE=stack-dump unicornet PID");
            return 2;
        }

        WaitForGate();
        Console.Out.Write(StackDumper.Walk(pid));
        Console.Out.Flush();
        return 0;
    }

    // The master's deadline ends a gated dump that is never opened.
    private static void WaitForGate()
    {
        if (Environment.GetEnvironmentVariable(StackDumper.GateVariable) is not { Length: > 0 } gate)
        {
            return;
        }

        while (!File.Exists(gate))
        {
            Thread.Sleep(20);
        }
    }
}
