using System.Diagnostics;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Cli;

/// <summary>
/// .ci/trx-summary, which gives the README's test command (build.cake) and .ci/run their one line of
/// totals: it must count what the TRX files count, across every assembly, and name the failures.
/// </summary>
public sealed class TestSummaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("unicornet-trx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Trx(int passed, int failed, int skipped, params (string Name, string Outcome)[] results)
    {
        string rows = string.Concat(results.Select((r, i) =>
            $"    <UnitTestResult executionId=\"e{i}\" testId=\"t{i}\" testName=\"{r.Name}\" computerName=\"ci\" duration=\"00:00:00.01\" testType=\"13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b\" outcome=\"{r.Outcome}\" testListId=\"l\" />\n"));
        int total = passed + failed + skipped;
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="r" name="ci" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
            {rows}  </Results>
              <ResultSummary outcome="{(failed > 0 ? "Failed" : "Completed")}">
                <Counters total="{total}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="{skipped}" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
              </ResultSummary>
            </TestRun>
            """;
    }

    private string Summarize(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Binaries.RepoRoot };
        psi.ArgumentList.Add(Path.Combine(Binaries.RepoRoot, ".ci", "trx-summary"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException("trx-summary did not finish");
        }

        p.WaitForExit();
        p.ExitCode.ShouldBe(0, p.StandardError.ReadToEnd());
        return output.Result;
    }

    [Fact]
    public void The_line_adds_up_every_assembly_and_the_failing_tests_are_named_under_it()
    {
        File.WriteAllText(Path.Combine(_dir, "a.trx"), Trx(3, 1, 1,
            ("A.Tests.Passes", "Passed"),
            ("A.Tests.Breaks(value: &quot;x&quot;)", "Failed"),
            ("A.Tests.Skipped", "NotExecuted")));
        File.WriteAllText(Path.Combine(_dir, "b.trx"), Trx(10, 2, 0,
            ("B.Tests.One", "Failed"),
            ("B.Tests.Two", "Failed")));
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "<Counters passed=\"100\" />");

        string[] lines = Summarize(_dir).TrimEnd('\n').Split('\n');
        lines[0].ShouldBe("13 passed, 3 failed, 1 skipped");
        lines[1].ShouldBe("failing tests:");
        lines[2..].ShouldBe(["  A.Tests.Breaks(value: \"x\")", "  B.Tests.One", "  B.Tests.Two"]);

        // .ci/run's last line: the same counts, alone.
        Summarize("--line", _dir).ShouldBe("13 passed, 3 failed, 1 skipped\n");
    }

    [Fact]
    public void No_result_files_count_zero()
    {
        Summarize(_dir).ShouldBe("0 passed, 0 failed, 0 skipped\n");
    }
}
