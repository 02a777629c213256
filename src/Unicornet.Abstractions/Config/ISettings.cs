namespace Unicornet;

/// <summary>
/// A resolved, read-only view of every setting, as hooks see it through <c>server.Cfg</c> or
/// <c>worker.Cfg</c>. Names are gunicorn's snake_case setting names.
/// </summary>
public interface ISettings
{
    /// <summary>The value of a setting by its gunicorn name, for example <c>cfg["workers"]</c>.</summary>
    /// <exception cref="KeyNotFoundException">No setting has that name.</exception>
    object? this[string name] { get; }

    /// <summary>The value of a setting converted to <typeparamref name="T"/>.</summary>
    T Get<T>(string name);

    /// <summary>Every setting name, in registry order.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Where a setting's value came from: default, environment, file, UNICORNET_CMD_ARGS or command line.</summary>
    string OriginOf(string name);
}
