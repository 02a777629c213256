using System.Buffers.Binary;
using System.Net.Sockets;
using Unicornet.Dirty.Client;
using Unicornet.Dirty.Protocol;
using Unicornet.Dirty.Tests.Apps;
using Unicornet.Dirty.Tests.Infrastructure;

namespace Unicornet.Dirty.Tests.Processes;

/// <summary>Calls through a real dirty arbiter and real dirty workers.</summary>
public sealed class ArbiterCallTests : IClassFixture<SharedClusterFixture>
{
    private const string Echo = TestConfig.EchoApp;
    private readonly DirtyCluster _cluster;

    public ArbiterCallTests(SharedClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Fact]
    public async Task Action_returns_values_of_every_wire_type_and_records()
    {
        DirtyClient client = _cluster.NewClient();
        (await client.ExecuteAsync<long>(Echo, "Add", 2, 3)).ShouldBe(5);
        (await client.ExecuteAsync<long>(Echo, "Add", 2)).ShouldBe(12);
        (await client.ExecuteAsync<string>(Echo, "Echo", "héllo")).ShouldBe("héllo");
        (await client.ExecuteAsync<byte[]>(Echo, "Echo", new byte[] { 0, 255 })).ShouldBe(new byte[] { 0, 255 });
        (await client.ExecuteAsync<Point>(Echo, "Move", new Point(1, 2), 5)).ShouldBe(new Point(6, 2));
        (await client.ExecuteAsync<object>(Echo, "Nothing")).ShouldBeNull();
        (await client.ExecuteAsync<bool>(Echo, "IsInitialized")).ShouldBeTrue();
        client.Execute<long>(Echo, "Add", 1, 1).ShouldBe(2);
        var named = new DirtyCallOptions { NamedArguments = new Dictionary<string, object?> { ["b"] = 100 } };
        (await client.ExecuteAsync<long>(Echo, "Add", named, 1)).ShouldBe(101);
        (await client.ExecuteAsync<long>("EchoApp", "Add", 1, 1)).ShouldBe(2); // short name
    }

    [Fact]
    public void Synchronous_execute_refuses_to_block_a_socket_poll_thread()
    {
        DirtyClient client = _cluster.NewClient();
        Exception? caught = null;

        // Stands in for a request of the async class, which runs on the runtime's ".NET Sockets" threads.
        var thread = new Thread(() => caught = Record.Exception(() => client.Execute<long>(Echo, "Add", 1, 1))) { Name = ".NET Sockets" };
        thread.Start();
        thread.Join(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        caught.ShouldBeOfType<InvalidOperationException>().Message.ShouldContain("use ExecuteAsync");
        client.Execute<long>(Echo, "Add", 1, 1).ShouldBe(2);
    }

    [Fact]
    public async Task Calls_go_to_the_worker_with_fewer_calls_in_flight()
    {
        DirtyClient client = _cluster.NewClient();
        string started = _cluster.NewStartMark();
        Task<string?> slow = client.ExecuteAsync<string>(Echo, "MarkedBlockingSleep", 1500, "slow", started);
        _cluster.WaitStarted(started);
        int[] pids = new int[8];
        for (int i = 0; i < pids.Length; i++)
        {
            pids[i] = await client.ExecuteAsync<int>(Echo, "Pid");
        }

        slow.IsCompleted.ShouldBeFalse();
        pids.Distinct().Count().ShouldBe(1); // round-robin would alternate: the busy worker still has free threads
        (await slow).ShouldBe("slow");
    }

    [Fact]
    public async Task A_caller_that_blocks_after_its_reply_does_not_hold_up_other_replies()
    {
        DirtyClient client = _cluster.NewClient();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        Task first = Task.Run(async () =>
        {
            (await client.ExecuteAsync<long>(Echo, "Add", 1, 1)).ShouldBe(2);

            // This may run on the thread that read the reply: hold it until the next call got its own.
            blocked.SetResult();
            release.Wait(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        });
        await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            (await client.ExecuteAsync<long>(Echo, "Add", 2, 2).WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(4);
            (await client.Stash.ExistsAsync("no-such-table").WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeFalse();
        }
        finally
        {
            release.Set();
        }

        await first;
    }

    [Fact]
    public async Task Streaming_actions_deliver_items_in_order()
    {
        DirtyClient client = _cluster.NewClient();
        var items = new List<int>();
        await foreach (int i in client.StreamAsync<int>(Echo, "Count", 5, 10))
        {
            items.Add(i);
        }

        items.ShouldBe([0, 1, 2, 3, 4]);

        var letters = new List<string?>();
        await foreach (string? s in client.StreamAsync<string>(Echo, "Letters", "abc"))
        {
            letters.Add(s);
        }

        letters.ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public async Task Stream_error_midway_arrives_after_the_items()
    {
        DirtyClient client = _cluster.NewClient();
        var items = new List<int>();
        var error = await Should.ThrowAsync<DirtyAppException>(async () =>
        {
            await foreach (int i in client.StreamAsync<int>(Echo, "FailAfter", 2))
            {
                items.Add(i);
            }
        });
        items.ShouldBe([0, 1]);
        error.RemoteType.ShouldBe(typeof(InvalidOperationException).FullName);
    }

    [Fact]
    public async Task Errors_are_typed()
    {
        DirtyClient client = _cluster.NewClient();
        var appError = await Should.ThrowAsync<DirtyAppException>(() => client.ExecuteAsync<int>(Echo, "Fail", "bad input"));
        appError.RemoteType.ShouldBe("System.ArgumentException");
        appError.Message.ShouldContain("bad input");
        appError.RemoteStackTrace!.ShouldContain("EchoApp.Fail");
        appError.Action.ShouldBe("Fail");

        (await Should.ThrowAsync<DirtyAppNotFoundException>(() => client.ExecuteAsync<int>("Nope:Nope.App", "x"))).App.ShouldBe("Nope:Nope.App");
        await Should.ThrowAsync<DirtyActionNotFoundException>(() => client.ExecuteAsync<string>(Echo, "_Hidden"));
        await Should.ThrowAsync<DirtyActionNotFoundException>(() => client.ExecuteAsync<string>(Echo, "Missing"));
        await Should.ThrowAsync<DirtyActionNotFoundException>(() => client.ExecuteAsync<string>(Echo, "InitAsync"));
    }

    [Fact]
    public async Task Timeout_is_typed_and_late_replies_never_answer_other_calls()
    {
        DirtyClient client = _cluster.NewClient();

        // Server side: dirty_timeout is 3 s.
        await Should.ThrowAsync<DirtyTimeoutException>(() => client.ExecuteAsync<string>(Echo, "BlockingSleep", 4000, "late"));

        // Client side: a 200 ms deadline while the action takes 600 ms; the answer comes late and must be dropped.
        var shortCall = new DirtyCallOptions { Timeout = TimeSpan.FromMilliseconds(200) };
        var timedOut = Enumerable.Range(0, 4).Select(i => Should.ThrowAsync<DirtyTimeoutException>(() => client.ExecuteAsync<string>(Echo, "BlockingSleep", shortCall, 600, "late" + i))).ToArray();
        await Task.WhenAll(timedOut);
        var next = Enumerable.Range(0, 20).Select(i => client.ExecuteAsync<string>(Echo, "SleepAsync", 20 * (i % 5), "tag" + i)).ToArray();
        string?[] answers = await Task.WhenAll(next);
        for (int i = 0; i < answers.Length; i++)
        {
            answers[i].ShouldBe("tag" + i);
        }

        using var cts = new CancellationTokenSource(100);
        await Should.ThrowAsync<OperationCanceledException>(() => client.ExecuteAsync<string>(Echo, "SleepAsync", cts.Token, 2000, "x"));
    }

    [Fact]
    public async Task Limited_app_is_routed_only_to_its_worker_and_status_shows_it()
    {
        DirtyClient client = _cluster.NewClient();
        int[] pids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.ExecuteAsync<int>(TestConfig.LimitedApp, "Pid")));
        pids.Distinct().Count().ShouldBe(1);
        int[] echoPids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.ExecuteAsync<int>(Echo, "Pid")));
        echoPids.Distinct().Count().ShouldBe(2);

        IReadOnlyDictionary<string, object?> status = await _cluster.StatusAsync();
        var apps = ((List<object?>)status["apps"]!).Cast<Dictionary<string, object?>>().ToList();
        Dictionary<string, object?> limited = apps.Single(a => (string?)a["app"] == TestConfig.LimitedApp);
        limited["workers_limit"].ShouldBe(1L);
        ((List<object?>)limited["ready_pids"]!).ShouldBe(new object?[] { (long)pids[0] });
    }

    [Fact]
    public async Task Stash_is_shared_between_clients_and_keeps_types()
    {
        DirtyClient a = _cluster.NewClient();
        DirtyClient b = _cluster.NewClient();
        string table = "t" + Guid.NewGuid().ToString("N");
        await a.Stash.PutAsync(table, "user:1", new Dictionary<string, object?> { ["name"] = "ann", ["n"] = 3 });
        await a.Stash.PutAsync(table, "user:2", 42);
        await a.Stash.PutAsync(table, "other", new byte[] { 1 });
        (await b.Stash.GetAsync<Dictionary<string, object>>(table, "user:1"))!["name"].ShouldBe("ann");
        (await b.Stash.GetAsync<int>(table, "user:2")).ShouldBe(42);
        (await b.Stash.KeysAsync(table, "user:*")).OrderBy(k => k).ShouldBe(["user:1", "user:2"]);
        (await b.Stash.CountAsync(table)).ShouldBe(3);
        (await b.Stash.TablesAsync()).ShouldContain(table);
        (await b.Stash.ExistsAsync(table)).ShouldBeTrue();
        (await b.Stash.ExistsAsync(table, "nope")).ShouldBeFalse();

        await Should.ThrowAsync<StashKeyNotFoundException>(() => b.Stash.GetAsync<int>(table, "missing"));
        (await b.Stash.GetOrDefaultAsync(table, "missing", 7)).ShouldBe(7);
        (await b.Stash.GetOrDefaultAsync("no-such-table", "k", "d")).ShouldBe("d");

        StashTable view = a.Stash.Table(table);
        view["k"] = "v";
        view["k"].ShouldBe("v");
        view.ContainsKey("k").ShouldBeTrue();
        view.Remove("k").ShouldBeTrue();
        view.TryGetValue("k", out _).ShouldBeFalse();
        view.Count.ShouldBe(3);
        view.Clear();
        view.Count.ShouldBe(0);
        (await a.Stash.DeleteTableAsync(table)).ShouldBeTrue();
        (await a.Stash.ExistsAsync(table)).ShouldBeFalse();

        // From inside a dirty worker, through the same arbiter.
        (await a.ExecuteAsync<string>(Echo, "StashRoundTrip", "k1", "v1")).ShouldBe("v1");
        (await b.Stash.GetAsync<string>("from-worker", "k1")).ShouldBe("v1");
    }

    [Fact]
    public async Task Many_concurrent_callers_share_one_client()
    {
        DirtyClient client = _cluster.NewClient();
        long[] sums = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => client.ExecuteAsync<long>(Echo, "Add", i, i))));
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i].ShouldBe(2L * i);
        }
    }

    [Fact]
    public async Task Route_query_names_each_ready_worker_and_its_private_socket_which_serves_calls_directly()
    {
        using var arbiter = await ConnectAsync(_cluster.Supervisor.SocketPath);
        List<List<object?>> routes = await RoutesAsync(arbiter, Echo);
        routes.Count.ShouldBe(2);

        ulong id = 100;
        foreach (List<object?> route in routes)
        {
            long pid = (long)route[0]!;
            string path = (string)route[1]!;
            (OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(path)).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

            using FrameConnection worker = await ConnectAsync(path);
            var call = new FrameBuilder(MessageType.Request, ++id);
            call.WriteString(Echo);
            call.WriteString("Pid");
            call.WriteListHeader(0);
            call.WriteNull();
            worker.Send(call);
            Frame answer = await ReadAsync(worker);
            answer.Type.ShouldBe(MessageType.Response);
            answer.RequestId.ShouldBe(id);
            new TlvReader(answer.Payload).ReadValue().ShouldBe(pid);
        }

        var unknown = new FrameBuilder(MessageType.RouteQuery, 2, 64);
        unknown.WriteString("Nope:Nope.App");
        arbiter.Send(unknown);
        Frame notFound = await ReadAsync(arbiter);
        notFound.Type.ShouldBe(MessageType.Error);
        DirtyError.Parse(notFound.Payload).Kind.ShouldBe(ErrorKinds.AppNotFound);
    }

    [Fact]
    public async Task Malformed_frames_on_a_worker_call_socket_close_that_connection_and_the_worker_keeps_serving()
    {
        using var arbiter = await ConnectAsync(_cluster.Supervisor.SocketPath);
        List<object?> route = (await RoutesAsync(arbiter, Echo))[0];
        string path = (string)route[1]!;
        foreach (byte[] bad in BadFrames())
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
            await socket.SendAsync(bad);
            socket.ReceiveTimeout = 10000;
            int n;
            try
            {
                n = socket.Receive(new byte[256]);
            }
            catch (SocketException)
            {
                n = 0;
            }

            n.ShouldBe(0);
        }

        DirtyClient client = _cluster.NewClient();
        (await client.ExecuteAsync<long>(Echo, "Add", 1, 2)).ShouldBe(3);
        int[] pids = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.ExecuteAsync<int>(Echo, "Pid")));
        pids.ShouldContain((int)(long)route[0]!);
        _cluster.ReadLog().ShouldContain("closing a client connection");
    }

    [Fact]
    public async Task Calls_relayed_through_the_arbiter_behave_like_direct_ones()
    {
        // The relay is the fallback when a worker cannot be reached directly; it must keep every guarantee.
        DirtyClient client = _cluster.NewClient();
        client.DirectCalls = false;
        (await client.ExecuteAsync<long>(Echo, "Add", 2, 3)).ShouldBe(5);
        var items = new List<int>();
        await foreach (int i in client.StreamAsync<int>(Echo, "Count", 3, 5))
        {
            items.Add(i);
        }

        items.ShouldBe([0, 1, 2]);
        (await Should.ThrowAsync<DirtyAppException>(() => client.ExecuteAsync<int>(Echo, "Fail", "relayed"))).Message.ShouldContain("relayed");
        await Should.ThrowAsync<DirtyTimeoutException>(() => client.ExecuteAsync<string>(Echo, "BlockingSleep", 4000, "late"));
        (await client.ExecuteAsync<long>(Echo, "Add", 1, 1)).ShouldBe(2);
    }

    /// <summary>Asks the arbiter for an app's routes: one <c>[pid, call socket]</c> per ready worker holding it.</summary>
    private static async Task<List<List<object?>>> RoutesAsync(FrameConnection arbiter, string app)
    {
        var query = new FrameBuilder(MessageType.RouteQuery, 1, 64);
        query.WriteString(app);
        arbiter.Send(query);
        Frame reply = await ReadAsync(arbiter);
        reply.Type.ShouldBe(MessageType.Response);
        return ((List<object?>)new TlvReader(reply.Payload).ReadValue()!).Cast<List<object?>>().ToList();
    }

    private static async Task<FrameConnection> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new FrameConnection(socket);
    }

    private static async Task<Frame> ReadAsync(FrameConnection connection)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await connection.ReadAsync(cts.Token))!;
    }

    [Fact]
    public async Task Malformed_frames_close_that_connection_and_the_arbiter_keeps_serving()
    {
        foreach (byte[] bad in BadFrames())
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_cluster.Supervisor.SocketPath));
            await socket.SendAsync(bad);
            socket.ReceiveTimeout = 10000;
            byte[] buffer = new byte[256];
            int n;
            try
            {
                n = socket.Receive(buffer); // 0 = the arbiter closed the connection
            }
            catch (SocketException)
            {
                n = 0;
            }

            n.ShouldBe(0);
        }

        DirtyClient client = _cluster.NewClient();
        (await client.ExecuteAsync<long>(Echo, "Add", 1, 2)).ShouldBe(3);
        _cluster.ReadLog().ShouldContain("bad magic");
    }

    [Fact]
    public async Task A_bad_payload_fails_only_that_call()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_cluster.Supervisor.SocketPath));
        using var connection = new FrameConnection(socket);
        connection.Send(MessageType.Request, 9, [0x09, 0x09]); // not a TLV string
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Frame reply = (await connection.ReadAsync(cts.Token))!;
        reply.Type.ShouldBe(MessageType.Error);
        reply.RequestId.ShouldBe(9UL);
        DirtyError.Parse(reply.Payload).Kind.ShouldBe(ErrorKinds.Protocol);
    }

    private static IEnumerable<byte[]> BadFrames()
    {
        byte[] badMagic = new byte[16];
        "GD"u8.CopyTo(badMagic);
        badMagic[2] = 1;
        badMagic[3] = 1;
        yield return badMagic;

        byte[] badVersion = new byte[16];
        "UD"u8.CopyTo(badVersion);
        badVersion[2] = 2;
        badVersion[3] = 1;
        yield return badVersion;

        byte[] oversized = new byte[16];
        "UD"u8.CopyTo(oversized);
        oversized[2] = 1;
        oversized[3] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(oversized.AsSpan(4), 0x7fffffff);
        yield return oversized;

        byte[] workerOnly = new byte[16];
        "UD"u8.CopyTo(workerOnly);
        workerOnly[2] = 1;
        workerOnly[3] = (byte)MessageType.Heartbeat;
        yield return workerOnly;
    }
}
