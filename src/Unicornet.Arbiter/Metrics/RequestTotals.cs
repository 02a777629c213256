using Unicornet.Supervision.Metrics;

namespace Unicornet.Arbitration;

/// <summary>The request duration histogram by method and status, summed over workers (live and gone).</summary>
/// <remarks>
/// Keyed by reference types only: a collection instantiated over our own value types cannot come precompiled
/// (ReadyToRun) and would be JIT-compiled into the master's private memory.
/// </remarks>
internal sealed class RequestTotals
{
    private readonly Dictionary<string, Cell> _cells = new(StringComparer.Ordinal);

    /// <summary>The series, in a stable order.</summary>
    public Cell[] Cells => OrdinalOrder.Values(_cells);

    public void Add(HttpMethodKind method, int status, ReadOnlySpan<long> buckets, long sumNanoseconds)
    {
        string key = HttpMethodKinds.Name(method) + " " + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!_cells.TryGetValue(key, out Cell? cell))
        {
            cell = new Cell(method, status);
            _cells[key] = cell;
        }

        cell.Add(buckets, sumNanoseconds);
    }

    public void AddFrom(WorkerMetricsFile file) => file.ReadRequests(Add);

    public RequestTotals Clone()
    {
        var copy = new RequestTotals();
        foreach (Cell c in _cells.Values)
        {
            copy.Add(c.Method, c.Status, c.Buckets, c.SumNanoseconds);
        }

        return copy;
    }

    internal sealed class Cell
    {
        public Cell(HttpMethodKind method, int status)
        {
            Method = method;
            Status = status;
        }

        public HttpMethodKind Method { get; }

        public int Status { get; }

        public long[] Buckets { get; } = new long[RequestDurationBuckets.Count];

        public long SumNanoseconds { get; private set; }

        public void Add(ReadOnlySpan<long> buckets, long sumNanoseconds)
        {
            for (int i = 0; i < buckets.Length && i < Buckets.Length; i++)
            {
                Buckets[i] += buckets[i];
            }

            SumNanoseconds += sumNanoseconds;
        }
    }
}
