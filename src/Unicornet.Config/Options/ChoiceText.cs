namespace Unicornet.Config.Options;

/// <summary>The canonical setting spelling of each enumerated choice, for logs and for layers that take plain strings.</summary>
public static class ChoiceText
{
    /// <summary><c>sync</c>, <c>gthread</c>, <c>async</c> or <c>kestrel</c>.</summary>
    public static string Of(WorkerClassKind value) => SettingChoices.WorkerClass.Name(value);

    /// <summary><c>off</c>, <c>v1</c>, <c>v2</c> or <c>auto</c>.</summary>
    public static string Of(ProxyProtocolMode value) => SettingChoices.ProxyProtocol.Name(value);

    /// <summary><c>drop</c>, <c>refuse</c> or <c>dangerous</c>.</summary>
    public static string Of(HeaderMapMode value) => SettingChoices.HeaderMap.Name(value);

    /// <summary><c>http</c> or <c>uwsgi</c>.</summary>
    public static string Of(WireProtocol value) => SettingChoices.Protocol.Name(value);

    /// <summary><c>off</c>, <c>prior-knowledge</c>, <c>upgrade</c> or <c>both</c>.</summary>
    public static string Of(Http2CleartextMode value) => SettingChoices.Http2Cleartext.Name(value);

    /// <summary><c>debug</c>, <c>info</c>, <c>warning</c>, <c>error</c> or <c>critical</c>.</summary>
    public static string Of(ErrorLogLevel value) => SettingChoices.LogLevel.Name(value);
}
