// unicornet build script: `dotnet tool restore && dotnet cake --target=<Target>`.
// Targets: Clean, Restore, Build, Test (default), Pack, Publish, Demo.

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var solution = "./unicornet.sln";
var artifacts = Directory("./artifacts");
var testResults = artifacts + Directory("test-results");

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration, Verbosity = DotNetVerbosity.Quiet });
});

Task("Restore")
    .Does(() =>
{
    DotNetRestore(solution);
});

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    // Quiet: warnings and errors only, not a line per project.
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true, Verbosity = DotNetVerbosity.Quiet });
});

// Set when the test run failed; the summary is printed and the exit status set after RunTarget, so
// the totals stay the last thing the command prints (below Cake's task report).
var testsRan = false;
var testsFailed = false;

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    testsRan = true;
    try
    {
        // Every test has its own deadlines; the hang timeout is a last line of defence so CI never waits forever.
        // The console shows failures (with their messages) and one line per assembly; the TRX files have everything.
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            Verbosity = DotNetVerbosity.Quiet,
            ResultsDirectory = testResults,
            Loggers = { "trx", "console;verbosity=minimal" },
            ArgumentCustomization = args => args.Append("--blame-hang-timeout 10m"),
        });
    }
    catch (CakeException e)
    {
        Warning(e.Message);
        testsFailed = true;
    }
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    var packages = artifacts + Directory("packages");
    CleanDirectory(packages);
    foreach (var project in new[] { "./src/Unicornet.Cli/Unicornet.Cli.csproj", "./src/Unicornet.Ctl/Unicornet.Ctl.csproj" })
    {
        DotNetPack(project, new DotNetPackSettings { Configuration = configuration, NoBuild = true, OutputDirectory = packages });
    }
});

// The production layout: framework-dependent linux-x64 with ReadyToRun code. Precompiled code is
// mapped from the files and shared by every process, so each worker JITs and keeps much less
// private memory, starts faster, and the config compile child runs Roslyn without JIT warm-up.
var publishRoot = artifacts + Directory("publish");
var unicornetExe = publishRoot + Directory("unicornet") + File("unicornet");

// The publish is skipped when nothing it reads changed since the last one (the demo runs it every time).
var publishStamp = publishRoot + File(".inputs");

string PublishInputs()
{
    var newest = GetFiles("./src/**/*")
        .Concat(GetFiles("./*.props")).Concat(GetFiles("./global.json"))
        .Where(f => !f.FullPath.Contains("/bin/") && !f.FullPath.Contains("/obj/"))
        .Select(f => System.IO.File.GetLastWriteTimeUtc(f.FullPath))
        .DefaultIfEmpty(DateTime.MinValue)
        .Max();
    int count = GetFiles("./src/**/*").Count(f => !f.FullPath.Contains("/bin/") && !f.FullPath.Contains("/obj/"));
    return $"{configuration} {count} {newest:O}";
}

Task("Publish")
    .WithCriteria(() => !(FileExists(publishStamp) && FileExists(unicornetExe) && System.IO.File.ReadAllText(publishStamp.Path.FullPath) == PublishInputs()),
        "the published build is up to date")
    .Does(() =>
{
    foreach (var (project, name) in new[] { ("./src/Unicornet.Cli/Unicornet.Cli.csproj", "unicornet"), ("./src/Unicornet.Ctl/Unicornet.Ctl.csproj", "unicornetc") })
    {
        DotNetPublish(project, new DotNetPublishSettings
        {
            Configuration = configuration,
            Runtime = "linux-x64",
            SelfContained = false,
            OutputDirectory = publishRoot + Directory(name),
            MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishReadyToRun", "true"),
        });
    }

    System.IO.File.WriteAllText(publishStamp.Path.FullPath, PublishInputs());
});

Task("Demo")
    .IsDependentOn("Publish")
    .Does(() =>
{
    DotNetBuild("./examples/HelloApp/HelloApp.csproj", new DotNetBuildSettings { Configuration = configuration });
    var exit = StartProcess(unicornetExe, new ProcessSettings
    {
        Arguments = $"-c config-samples/demo.conf.csx examples/HelloApp/bin/{configuration}/net10.0/HelloApp.dll:App",
    });
    if (exit != 0)
    {
        throw new Exception($"unicornet exited with {exit}");
    }
});

RunTarget(target);

if (testsRan)
{
    // One line of totals over every test assembly, then the failing tests' names (.ci/run prints the same line).
    int summary = StartProcess("bash", new ProcessSettings { Arguments = $".ci/trx-summary {testResults}" });
    if (testsFailed || summary != 0)
    {
        System.Environment.Exit(1);
    }
}
