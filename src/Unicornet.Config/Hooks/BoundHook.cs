namespace Unicornet.Config.Hooks;

/// <summary>
/// A hook from the script bound to a callable. <see cref="Invoke"/> receives the canonical
/// arguments of the hook's first signature and adapts them to the signature the script chose.
/// </summary>
/// <param name="Definition">The hook.</param>
/// <param name="Location">Where the script defines it.</param>
/// <param name="Invoke">Calls the script's method with canonical arguments; returns its result (a Task is awaited by <see cref="HookSet"/>).</param>
public sealed record BoundHook(HookDefinition Definition, SourceLocation? Location, Func<object?[], object?> Invoke);
