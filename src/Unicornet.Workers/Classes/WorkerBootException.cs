namespace Unicornet.Workers.Classes;

/// <summary>A worker class could not be set up (already logged): the worker exits with the boot error status.</summary>
internal sealed class WorkerBootException(Exception inner) : Exception(inner.Message, inner);
