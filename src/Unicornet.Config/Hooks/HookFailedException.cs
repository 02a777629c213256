namespace Unicornet.Config.Hooks;

/// <summary>A hook threw and its policy says the caller must stop (startup abort or worker boot failure).</summary>
public sealed class HookFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HookFailedException(string hook, SourceLocation? location, Exception inner)
        : base($"hook {hook}{(location is null ? "" : $" ({location})")} failed: {inner.Message}", inner)
    {
        Hook = hook;
        Location = location;
    }

    /// <summary>The hook's name.</summary>
    public string Hook { get; }

    /// <summary>The script line that threw, when known.</summary>
    public SourceLocation? Location { get; }
}
