using System.Net;
using System.Text.Json;
using Unicornet.IntegrationTests.Support;

namespace Unicornet.IntegrationTests.Live;

/// <summary>A dirty app called from real HTTP workers of a real master, with streaming, and `show dirty`.</summary>
public sealed class DirtyLiveTests
{
    [Fact]
    public async Task Dirty_model_is_called_from_http_workers_and_streams()
    {
        string bin = Path.GetDirectoryName(Examples.Dll("DirtyModel"))!;
        // {DIR}: the server's own directory, deleted with it.
        await using ServerProcess server = await ServerProcess.StartAsync(
            ["-w", "2", "-k", "async", "--control-socket", "{DIR}/ctl.sock", "--dirty-app", "DirtyModel:DirtyModel.ModelApp:1", "--dirty-workers", "2", "--dirty-threads", "2", "DirtyModel:Http.App"],
            workingDirectory: bin,
            readyPath: "/missing",
            timeout: TimeSpan.FromSeconds(90));
        string socket = Path.Combine(server.Directory, "ctl.sock");
        using var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };

        // The model trains at init in its dirty worker; until then a call gets the typed
        // "no dirty worker has the app loaded" error (503 from the example app), so poll with a deadline.
        (HttpStatusCode status, string predictBody) = await Eventually.ValueAsync(
            async () =>
            {
                using HttpResponseMessage predict = await client.GetAsync("/predict");
                string text = await predict.Content.ReadAsStringAsync();
                if (predict.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    text.ShouldContain("DirtyNoWorkersAvailableException");
                }

                return (predict.StatusCode, text);
            },
            answer => answer.StatusCode != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(90));

        status.ShouldBe(HttpStatusCode.OK, predictBody + server.Output);
        using (JsonDocument p = JsonDocument.Parse(predictBody))
        {
            p.RootElement.TryGetProperty("Label", out _).ShouldBeTrue(predictBody);
        }

        // Many sequential calls from one request: on the async class each reply resumes its caller on the poll
        // thread before the next read of the worker connection starts.
        using (JsonDocument ping = JsonDocument.Parse(await client.GetStringAsync("/ping?n=500")))
        {
            ping.RootElement.GetProperty("calls").GetInt32().ShouldBe(500);
        }

        string stream = await client.GetStringAsync("/neighbours?k=3");
        string[] lines = stream.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(3, stream);

        CommandResult dirty = CommandRunner.Run(Binaries.Unicornetc, ["-s", socket, "-j", "-c", "show dirty"]);
        dirty.ExitCode.ShouldBe(0, dirty.Output);
        using JsonDocument dirtyStatus = JsonDocument.Parse(dirty.StdOut);
        dirtyStatus.RootElement.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        dirtyStatus.RootElement.ToString().ShouldContain("DirtyModel:DirtyModel.ModelApp");
    }
}
