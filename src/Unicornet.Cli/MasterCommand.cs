using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
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

    /// <summary>argparse's exit status for a usage error, gunicorn's for a missing APP_MODULE.</summary>
    private const int UsageError = 2;

    /// <summary>gunicorn's exit status when the app cannot be loaded (a worker's too).</summary>
    private const int AppLoadError = 4;

    public static int Run(string[] args)
    {
        ConfigRequest request = ConfigRequest.FromProcess(args);
        bool checkOnly = args.Any(a => a is "--check-config" or "--print-config");

        // --check-config and --print-config are short-lived: compile in-process. The master compiles
        // in a child process so Roslyn never stays in its memory.
        IConfigScriptCompiler compiler = checkOnly ? InProcessCompiler() : new ChildProcessCompiler();
        var resolver = new ConfigResolver(compiler, new ConfigScriptRunner());
        UnicornetConfig config;
        try
        {
            config = resolver.Resolve(request);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(ConfigException.Describe(e));
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

        if (cli.ShowSettingsHelp)
        {
            Console.Out.Write(SettingsHelp());
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

        // Refuse before binding and forking: every worker would only fail the same way.
        if (config.AppModule is null)
        {
            Console.Error.WriteLine($"usage: {CommandLineParser.ProgramName} [OPTIONS] [APP_MODULE]");
            Console.Error.WriteLine($"{CommandLineParser.ProgramName}: error: No application module specified (give APP_MODULE, or set wsgi_app in the config script).");
            return UsageError;
        }

        try
        {
            AppLoader.EnsureAssemblyFile(config.AppModule, config.Options.Worker.Chdir, config.Options.Worker.PythonPath);
        }
        catch (AppLoadException e)
        {
            Console.Error.WriteLine(AppLoadFailure.Line(config.AppModule, e));
            return AppLoadError;
        }

        return Unicornet.Arbitration.MasterProcess.Run(config, () => new ConfigResolver(new ChildProcessCompiler(), new ConfigScriptRunner()).Resolve(request));
    }

    // The rarely taken paths are methods of their own, so that their assemblies (the in-process compiler,
    // Regex) are loaded only when taken, not by every master that runs Run.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IConfigScriptCompiler InProcessCompiler() => new Unicornet.Config.Compiler.InProcessCompiler();

    // The generator's note to maintainers means nothing to a user.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string SettingsHelp() => Regex.Replace(SettingsDocument.Render(), @"<!--.*?-->\n+", "", RegexOptions.Singleline);

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
            LoadedApp app = AppLoader.Load(config.AppModule, config.Options.Worker.Chdir, config.Options.Worker.PythonPath);
            app.Dispose?.Invoke().GetAwaiter().GetResult();
            return 0;
        }
        catch (AppLoadException e)
        {
            Console.Error.WriteLine(AppLoadFailure.Line(config.AppModule, e));
            if (AppLoadFailure.AppThrew(e))
            {
                Console.Error.WriteLine(e.InnerException);
            }

            return ConfigError;
        }
    }
}
