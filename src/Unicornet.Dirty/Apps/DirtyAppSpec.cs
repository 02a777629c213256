using System.Globalization;

namespace Unicornet.Dirty.Apps;

/// <summary>
/// One <c>dirty_apps</c> entry: <c>Assembly:Type</c> or <c>Assembly:Type:N</c>. <see cref="Id"/> (the
/// entry without <c>:N</c>) is what the arbiter routes on; callers may also use the type's full or
/// short name.
/// </summary>
internal sealed record DirtyAppSpec(string Assembly, string TypeName, int? Workers)
{
    public string Id => Assembly + ":" + TypeName;

    public string ShortName => TypeName[(TypeName.LastIndexOf('.') + 1)..];

    public static DirtyAppSpec Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // A Windows-style "C:\..." never reaches Linux; a path may contain ':' only in odd cases we do not support.
        string[] parts = entry.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new FormatException($"'{entry}' is not Assembly:Type or Assembly:Type:N");
        }

        int? n = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
            {
                throw new FormatException($"'{entry}': the worker count after the second ':' must be a positive integer");
            }

            n = count;
        }

        return new DirtyAppSpec(parts[0], parts[1], n);
    }

    /// <summary>Back to the <c>dirty_apps</c> syntax.</summary>
    public override string ToString() => Workers is { } n ? Id + ":" + n.ToString(CultureInfo.InvariantCulture) : Id;
}
