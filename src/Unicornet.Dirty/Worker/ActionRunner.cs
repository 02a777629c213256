using System.Globalization;
using System.Reflection;
using Unicornet.Dirty.Apps;
using Unicornet.Dirty.Protocol;

namespace Unicornet.Dirty.Worker;

/// <summary>
/// Runs one call's action on the app that holds it and sends the answer: RESPONSE with the value, CHUNKs
/// and END for a stream, or ERROR (app or action not found, a malformed request, the app's exception).
/// </summary>
internal sealed class ActionRunner
{
    private readonly AppDirectory _directory;
    private readonly IReadOnlyDictionary<string, LoadedDirtyApp> _apps;
    private readonly InFlightCalls _calls;

    /// <param name="apps">The worker's loaded apps by id; filled before the first call arrives.</param>
    public ActionRunner(AppDirectory directory, IReadOnlyDictionary<string, LoadedDirtyApp> apps, InFlightCalls calls)
    {
        _directory = directory;
        _apps = apps;
        _calls = calls;
    }

    public async Task ServeAsync(WorkerCall call)
    {
        Frame frame = call.Frame;
        ulong id = frame.RequestId;
        string? appName = null;
        string? actionName = null;
        try
        {
            if (call.Cancel.IsCancellationRequested)
            {
                // Cancelled while it waited for a slot, or we are stopping: nobody waits for an answer.
                return;
            }

            TlvReader reader = frame.Reader();
            appName = reader.ReadString();
            actionName = reader.ReadString();
            var args = reader.ReadValue() as List<object?> ?? throw new DirtyProtocolException("REQUEST arguments are not a list");
            var named = reader.End ? null : reader.ReadValue() as Dictionary<string, object?>;
            await ExecuteAsync(call, appName, actionName, args, named).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (call.Cancel.IsCancellationRequested)
        {
            // The caller gave up (timeout or gone) or we are stopping: nobody waits for an answer.
        }
        catch (DirtyProtocolException e)
        {
            call.Finish(DirtyError.Frame(id, new DirtyError(ErrorKinds.Protocol, e.Message, appName, actionName)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            call.Finish(DirtyError.Frame(id, new DirtyError(ErrorKinds.AppError, inner.Message, appName, actionName, inner.GetType().FullName, inner.StackTrace)));
        }
        finally
        {
            _calls.Remove(call);
            call.Cancel.Dispose();
        }
    }

    private async Task ExecuteAsync(WorkerCall call, string appName, string actionName, List<object?> args, Dictionary<string, object?>? named)
    {
        if (Find(call, appName, actionName, args.Count, named) is not { } found)
        {
            return;
        }

        (LoadedDirtyApp loaded, ActionMethod method) = found;
        ulong id = call.Frame.RequestId;
        object? returned = method.Method.Invoke(loaded.Instance, method.Bind(args, named, call.Cancel.Token));
        if (method.IsStream)
        {
            await StreamAsync(call, method, returned).ConfigureAwait(false);
            return;
        }

        object? result = await method.CompleteAsync(returned).ConfigureAwait(false);
        var response = new FrameBuilder(MessageType.Response, id);
        Encode(response, result);
        call.Finish(response);
    }

    /// <summary>The app and the overload a call names, or null after answering it with the reason.</summary>
    private (LoadedDirtyApp App, ActionMethod Method)? Find(WorkerCall call, string appName, string actionName, int argCount, Dictionary<string, object?>? named)
    {
        ulong id = call.Frame.RequestId;
        if (_directory.Resolve(appName) is not { } spec || !_apps.TryGetValue(spec.Id, out LoadedDirtyApp? loaded))
        {
            call.Finish(DirtyError.Frame(id, new DirtyError(ErrorKinds.AppNotFound, $"dirty app '{appName}' is not loaded in this dirty worker", appName)));
            return null;
        }

        if (loaded.Find(actionName, argCount, named) is not { } method)
        {
            string why = loaded.HasAction(actionName) ? $"no overload of '{actionName}' takes {argCount.ToString(CultureInfo.InvariantCulture)} argument(s)" : $"'{actionName}' is not an action of {spec.Id}";
            call.Finish(DirtyError.Frame(id, new DirtyError(ErrorKinds.ActionNotFound, why, appName, actionName)));
            return null;
        }

        return (loaded, method);
    }

    private static async Task StreamAsync(WorkerCall call, ActionMethod method, object? returned)
    {
        ulong id = call.Frame.RequestId;
        await foreach (object? item in method.Stream(returned, call.Cancel.Token).ConfigureAwait(false))
        {
            if (call.IsFinished)
            {
                return; // timed out: the caller already has its error
            }

            var chunk = new FrameBuilder(MessageType.Chunk, id);
            Encode(chunk, item);
            call.Extend();
            call.Origin.Send(chunk);
        }

        call.Finish(new FrameBuilder(MessageType.End, id, 0));
    }

    private static void Encode(FrameBuilder frame, object? value)
    {
        try
        {
            frame.WriteValue(value);
        }
        catch
        {
            frame.Discard();
            throw;
        }
    }
}
