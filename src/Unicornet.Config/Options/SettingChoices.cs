using Unicornet.Config.Settings;

namespace Unicornet.Config.Options;

/// <summary>The enumerated settings' tables, shared by the registry's validators and the binder.</summary>
internal static class SettingChoices
{
    public static SettingChoice<WorkerClassKind> WorkerClass { get; } = new(
        WorkerClassKind.Sync,
        [("sync", WorkerClassKind.Sync), ("gthread", WorkerClassKind.Gthread), ("async", WorkerClassKind.Async), ("kestrel", WorkerClassKind.Kestrel)],
        [("asgi", WorkerClassKind.Async), ("gevent", WorkerClassKind.Async), ("uvicorn", WorkerClassKind.Async)]);

    public static SettingChoice<ProxyProtocolMode> ProxyProtocol { get; } = new(
        ProxyProtocolMode.Off,
        [("off", ProxyProtocolMode.Off), ("v1", ProxyProtocolMode.V1), ("v2", ProxyProtocolMode.V2), ("auto", ProxyProtocolMode.Auto)],
        [("true", ProxyProtocolMode.Auto), ("1", ProxyProtocolMode.Auto), ("false", ProxyProtocolMode.Off), ("0", ProxyProtocolMode.Off), ("none", ProxyProtocolMode.Off)],
        "must be off, v1, v2 or auto");

    public static SettingChoice<HeaderMapMode> HeaderMap { get; } = new(
        null,
        [("drop", HeaderMapMode.Drop), ("refuse", HeaderMapMode.Refuse), ("dangerous", HeaderMapMode.Dangerous)]);

    public static SettingChoice<Http2CleartextMode> Http2Cleartext { get; } = new(
        Http2CleartextMode.Off,
        [("off", Http2CleartextMode.Off), ("prior-knowledge", Http2CleartextMode.PriorKnowledge), ("upgrade", Http2CleartextMode.Upgrade), ("both", Http2CleartextMode.Both)],
        [("true", Http2CleartextMode.PriorKnowledge), ("1", Http2CleartextMode.PriorKnowledge), ("false", Http2CleartextMode.Off), ("0", Http2CleartextMode.Off)],
        "must be off, prior-knowledge, upgrade or both");

    public static SettingChoice<ErrorLogLevel> LogLevel { get; } = new(
        null,
        [("debug", ErrorLogLevel.Debug), ("info", ErrorLogLevel.Info), ("warning", ErrorLogLevel.Warning), ("error", ErrorLogLevel.Error), ("critical", ErrorLogLevel.Critical)]);

    public static SettingChoice<ReloadEngineKind> ReloadEngine { get; } = new(
        null,
        [("auto", ReloadEngineKind.Auto), ("poll", ReloadEngineKind.Poll), ("inotify", ReloadEngineKind.Inotify)]);

    public static SettingChoice<WireProtocol> Protocol { get; } = new(
        null,
        [("http", WireProtocol.Http), ("uwsgi", WireProtocol.Uwsgi)]);

    /// <summary>
    /// The <c>worker_class</c> validator: gunicorn's dotted custom classes get their own message,
    /// everything else goes through the table.
    /// </summary>
    public static object? ValidateWorkerClass(object? value)
    {
        string s = ((string?)value ?? "sync").Trim();
        try
        {
            return WorkerClass.Validate(s);
        }
        catch (SettingValueException) when (s.Contains(':', StringComparison.Ordinal) || s.Contains('.', StringComparison.Ordinal))
        {
            throw new SettingValueException($"'{s}': custom worker classes are not supported; use sync, gthread, async or kestrel");
        }
        catch (SettingValueException)
        {
            throw new SettingValueException($"'{s}' is not a worker class (sync, gthread, async, kestrel)");
        }
    }
}
