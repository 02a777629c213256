namespace Unicornet.Config.Options;

/// <summary>The master's own mechanics.</summary>
public sealed record ArbiterOptions
{
    /// <summary><c>proc_name</c>, else <c>default_proc_name</c>: the base of the process titles.</summary>
    public required string ProcName { get; init; }

    /// <summary><c>daemon</c>.</summary>
    public required bool Daemon { get; init; }

    /// <summary><c>pidfile</c>, null when unset.</summary>
    public required string? Pidfile { get; init; }

    /// <summary><c>preload_app</c>.</summary>
    public required bool PreloadApp { get; init; }

    /// <summary><c>reload</c>.</summary>
    public required bool Reload { get; init; }

    /// <summary><c>reload_engine</c>.</summary>
    public required ReloadEngineKind ReloadEngine { get; init; }

    /// <summary><c>reload_extra_files</c> (entries with <c>*</c>, <c>?</c> or <c>[</c> are globs).</summary>
    public required IReadOnlyList<string> ReloadExtraFiles { get; init; }

    /// <summary><c>check_config</c>.</summary>
    public required bool CheckConfig { get; init; }

    /// <summary><c>print_config</c>.</summary>
    public required bool PrintConfig { get; init; }

    /// <summary><c>boot_timeout</c> in seconds.</summary>
    public required int BootTimeout { get; init; }

    /// <summary><c>max_worker_memory</c> in MiB (0 = off).</summary>
    public required int MaxWorkerMemoryMiB { get; init; }

    /// <summary><c>max_worker_memory_min_age</c> in seconds.</summary>
    public required int MaxWorkerMemoryMinAge { get; init; }

    /// <summary><c>worker_tmp_dir</c>, null for the system temp directory.</summary>
    public required string? WorkerTmpDir { get; init; }
}
