namespace Unicornet;

/// <summary>
/// Loads a <see cref="DirtyApp"/> in only <see cref="Count"/> dirty workers instead of every one,
/// which saves memory for heavy apps. A <c>dirty_apps</c> entry written <c>Assembly:Type:N</c>
/// overrides it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class DirtyWorkersAttribute : Attribute
{
    /// <summary>Limits the app to <paramref name="count"/> dirty workers.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public DirtyWorkersAttribute(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
    }

    /// <summary>How many dirty workers load the app.</summary>
    public int Count { get; }
}
