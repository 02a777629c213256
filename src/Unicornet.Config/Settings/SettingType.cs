namespace Unicornet.Config.Settings;

/// <summary>The natural C# type a setting takes in a config script.</summary>
public enum SettingType
{
    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary><c>int</c>.</summary>
    Int,

    /// <summary><c>int</c>, written in octal on the command line (<c>0022</c>, <c>0o22</c>, <c>0x12</c>).</summary>
    Octal,

    /// <summary><c>string?</c>.</summary>
    Text,

    /// <summary><see cref="StringList"/>: a string, an array or a collection expression.</summary>
    Strings,

    /// <summary><c>Dictionary&lt;string, string&gt;</c>.</summary>
    Map,

    /// <summary><c>Dictionary&lt;string, object?&gt;</c>.</summary>
    ObjectMap,
}
