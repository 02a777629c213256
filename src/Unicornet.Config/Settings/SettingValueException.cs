namespace Unicornet.Config.Settings;

/// <summary>A value that a setting's validation refused.</summary>
public sealed class SettingValueException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SettingValueException(string message)
        : base(message)
    {
    }
}
