namespace Unicornet.Workers.Boot;

/// <summary>The worker could not take on <c>user</c>/<c>group</c>; its message is the whole story.</summary>
internal sealed class PrivilegeSwitchException(string message) : Exception(message);
