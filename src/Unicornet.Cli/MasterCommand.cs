using System.Reflection;
using Unicornet.Config;
using Unicornet.Config.Docs;
using Unicornet.Config.Script;
using Unicornet.Config.Sources;
using Unicornet.Hosting.AppLoading;

namespace Unicornet.Cli;

/// <summary>
/// What a user types: resolve the configuration, answer --version/--help/--print-config/
/// --check-config, else hand the configuration to the master. Nothing else lives here.
/// </summary>
internal static class MasterCommand
{
    /// <summary>gunicorn's exit status for a configuration error.</summary>
    private const int ConfigError = 1;

    public static int Run(string[] args)
    {
        ConfigRequest request = ConfigRequest.FromProcess(args);
        bool checkOnly = args.Any(a => a is "--check-config" or "--print-config");

        // --check-config and --print-config are short-lived: compile in-process. The master compiles
        // in a child process so Roslyn never stays in its memory.
        IConfigScriptCompiler compiler = checkOnly ? new Unicornet.Config.Compiler.InProcessCompiler() : new ChildProcessCompiler();
        var resolver = new ConfigResolver(compiler, new ConfigScriptRunner());
        UnicornetConfig config;
        try
        {
            config = resolver.Resolve(request);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.RenderAll());
            return ConfigError;
        }

        ParsedArguments cli = resolver.CommandLine!;
        if (cli.ShowVersion)
        {
            Console.Out.WriteLine($"unicornet (version {Version})");
            return 0;
        }

        if (cli.ShowHelp)
        {
            Console.Out.Write(CommandLineParser.HelpText());
            return 0;
        }

        foreach (string warning in ConfigWarnings.For(config))
        {
            Console.Error.WriteLine("warning: " + warning);
        }

        if (config.Options.Arbiter.PrintConfig)
        {
            Console.Out.Write(ConfigPrinter.Render(config));
        }

        if (config.Options.Arbiter.CheckConfig || config.Options.Arbiter.PrintConfig)
        {
            return CheckApp(config);
        }

        return Unicornet.Arbitration.MasterProcess.Run(config, () => new ConfigResolver(new ChildProcessCompiler(), new ConfigScriptRunner()).Resolve(request));
    }

    public static string Version =>
        typeof(MasterCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>--check-config also proves the app reference loads, as gunicorn's does.</summary>
    private static int CheckApp(UnicornetConfig config)
    {
        if (config.AppModule is null)
        {
            return 0;
        }

        try
        {
            IReadOnlyList<string> searchPath = config.Options.Worker.PythonPath;
            LoadedApp app = AppLoader.Load(config.AppModule, config.Options.Worker.Chdir, searchPath);
            app.Dispose?.Invoke().GetAwaiter().GetResult();
            return 0;
        }
        catch (AppLoadException e)
        {
            Console.Error.WriteLine($"error: app '{config.AppModule}': {e.Message}");
            return ConfigError;
        }
    }
}
