using Unicornet.Config;
using Unicornet.Supervision.Metrics;

namespace Unicornet.Workers.Metrics;

/// <summary>
/// A worker's side of <c>metrics_bind</c>: the metrics file the master created for it (request figures are
/// recorded straight into it by <see cref="WorkerServingEvents"/>) and the app meters, published into it once
/// a second by a dedicated thread and once more as the worker leaves. Exists only when metrics are on.
/// </summary>
internal sealed class WorkerMetrics : IDisposable
{
    private static readonly TimeSpan s_publishInterval = TimeSpan.FromSeconds(1);
    private readonly AppMeterListener _meters;
    private readonly object _publishGate = new();
    private bool _disposed;

    private WorkerMetrics(WorkerMetricsFile file, AppMeterListener meters)
    {
        File = file;
        _meters = meters;
    }

    public WorkerMetricsFile File { get; }

    /// <summary>Opens the file next to <paramref name="heartbeatPath"/> and starts listening; null when metrics are off or the file is missing.</summary>
    public static WorkerMetrics? Start(UnicornetConfig config, string? heartbeatPath)
    {
        if (config.Options.Metrics.Bind is null || heartbeatPath is null || WorkerMetricsFile.TryOpen(WorkerMetricsFile.PathFor(heartbeatPath)) is not { } file)
        {
            return null;
        }

        var metrics = new WorkerMetrics(file, new AppMeterListener(config.Options.Metrics.Meters));
        new Thread(metrics.PublishLoop) { IsBackground = true, Name = "unicornet-metrics" }.Start();
        return metrics;
    }

    /// <summary>Publishes the meters now (the worker is leaving, so the master folds its last figures).</summary>
    public void Publish()
    {
        lock (_publishGate)
        {
            if (!_disposed)
            {
                File.PublishMeters(MeterBlock.Encode(_meters.Snapshot()));
            }
        }
    }

    public void Dispose()
    {
        lock (_publishGate)
        {
            _disposed = true;
            _meters.Dispose();
            File.Dispose();
        }
    }

    private void PublishLoop()
    {
        while (!Volatile.Read(ref _disposed))
        {
            Thread.Sleep(s_publishInterval);
            try
            {
                Publish();
            }
            catch (Exception)
            {
                // An app's observable-instrument callback threw: this thread must not take the worker down
                // with it; the next round tries again.
            }
        }
    }
}
