using Unicornet.Supervision.Metrics;

namespace Unicornet.Arbitration;

/// <summary>The request duration histogram by method and status, summed over workers (live and gone).</summary>
internal sealed class RequestTotals
{
    private readonly SortedDictionary<(HttpMethodKind Method, int Status), Cell> _cells = new();

    public IEnumerable<KeyValuePair<(HttpMethodKind Method, int Status), Cell>> Cells => _cells;

    public void Add(HttpMethodKind method, int status, ReadOnlySpan<long> buckets, long sumNanoseconds)
    {
        if (!_cells.TryGetValue((method, status), out Cell? cell))
        {
            cell = new Cell();
            _cells[(method, status)] = cell;
        }

        for (int i = 0; i < buckets.Length && i < cell.Buckets.Length; i++)
        {
            cell.Buckets[i] += buckets[i];
        }

        cell.SumNanoseconds += sumNanoseconds;
    }

    public void AddFrom(WorkerMetricsFile file) => file.ReadRequests(Add);

    public RequestTotals Clone()
    {
        var copy = new RequestTotals();
        foreach (KeyValuePair<(HttpMethodKind Method, int Status), Cell> c in _cells)
        {
            copy.Add(c.Key.Method, c.Key.Status, c.Value.Buckets, c.Value.SumNanoseconds);
        }

        return copy;
    }

    internal sealed class Cell
    {
        public long[] Buckets { get; } = new long[RequestDurationBuckets.Count];

        public long SumNanoseconds { get; set; }
    }
}
