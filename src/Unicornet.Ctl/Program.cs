using System.Reflection;
using McMaster.Extensions.CommandLineUtils;
using Unicornet.Control;
using Unicornet.Control.Client;

namespace Unicornet.Ctl;

/// <summary>
/// The <c>unicornetc</c> control client. Everything but argument parsing and the terminal lives in
/// <see cref="ControlShell"/> (Unicornet.Control), so tests exercise the same code.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        using CommandLineApplication app = new()
        {
            Name = "unicornetc",
            FullName = "unicornetc",
            Description = "Talk to a running unicornet master through its control socket.",
            ExtendedHelpText = """

                unicornetc top [--once]: a live view of the workers, refreshed every second ('q' quits);
                --once prints one frame and exits.

                Commands (send 'help' for descriptions):
                  show workers|stats|config|listeners|dirty|metrics|all
                  worker add [N] | worker remove [N] | worker kill PID
                  dirty add [N] | dirty remove [N]
                  reload | reopen | shutdown [graceful|quick] | help

                Without -c, unicornetc reads commands interactively ('quit' to leave); history is kept
                in ~/.unicornetc_history. Exit status: 0 ok, 1 error or connection failure, 2 usage error.
                The server itself is the unicornet command (unicornet --help).
                """,
        };

        // A plain option, not McMaster's HelpOption, which pages the text on a terminal.
        CommandOption help = app.Option("-h|--help", "Show this help and exit.", CommandOptionType.NoValue);
        CommandOption socket = app.Option(
            "-s|--socket <PATH>",
            $"Control socket. Default: the '{ControlSocketPaths.LinkName}' link (or the only socket) in {ControlSocketPaths.DefaultDirectory()}.",
            CommandOptionType.SingleValue);
        CommandOption command = app.Option("-c|--command <COMMAND>", "Run one command and exit (0 = ok, 1 = error).", CommandOptionType.SingleValue);
        CommandOption json = app.Option("-j|--json", "Print the reply data as JSON.", CommandOptionType.NoValue);
        CommandOption version = app.Option("-v|--version", "Show the version and exit.", CommandOptionType.NoValue);

        app.Command("top", top =>
        {
            top.Description = "A live view of the workers (pid, age, state, requests, req/s, in flight, RSS, CPU %), the dirty workers and totals; 'q' quits.";
            CommandOption once = top.Option("--once", "Print one frame and exit.", CommandOptionType.NoValue);
            top.OnExecute(() => Top.TopCommand.RunAsync(ControlSocketPaths.ResolveForClient(socket.Value()), once.HasValue(), Spectre.Console.AnsiConsole.Console));
        });

        app.OnExecute(async () =>
        {
            if (help.HasValue())
            {
                Console.Out.Write(app.GetHelpText());
                return 0;
            }

            if (version.HasValue())
            {
                Console.WriteLine("unicornetc " + Version());
                return 0;
            }

            ControlSocketChoice choice = ControlSocketPaths.ResolveForClient(socket.Value());
            ControlShell shell = new(choice, json.HasValue(), Console.Out, Console.Error);
            if (command.HasValue())
            {
                return await shell.RunOnceAsync(command.Value()!).ConfigureAwait(false);
            }

            return await RunInteractiveAsync(shell).ConfigureAwait(false);
        });

        try
        {
            return app.Execute(args);
        }
        catch (CommandParsingException e)
        {
            Console.Error.WriteLine("unicornetc: " + e.Message);
            Console.Error.WriteLine("Try 'unicornetc --help'.");
            return 2;
        }
    }

    private static Task<int> RunInteractiveAsync(ControlShell shell)
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            // Scripts and pipes: plain lines in, no prompt, no history file.
            return shell.RunInteractiveAsync(Console.In.ReadLine);
        }

        CommandHistory history = CommandHistory.Load(CommandHistory.DefaultPath());
        LineEditor editor = new(history);
        return shell.RunInteractiveAsync(() => editor.ReadLine("unicornet> "), history.Add);
    }

    private static string Version() =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Program).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
