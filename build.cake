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
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResults);
    // Every test has its own deadlines; the hang timeout is a last line of defence so CI never waits forever.
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        ResultsDirectory = testResults,
        Loggers = { "trx", "console;verbosity=normal" },
        ArgumentCustomization = args => args.Append("--blame-hang-timeout 10m"),
    });
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

Task("Publish")
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
