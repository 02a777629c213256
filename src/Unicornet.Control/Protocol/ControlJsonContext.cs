using System.Text.Json.Serialization;

namespace Unicornet.Control.Protocol;

/// <summary>
/// Source-generated serialisation for every type that crosses the control socket, so the master
/// pays no reflection cost and nothing here breaks under trimming. Names are snake_case.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(WorkersData))]
[JsonSerializable(typeof(StatsData))]
[JsonSerializable(typeof(ConfigData))]
[JsonSerializable(typeof(ListenersData))]
[JsonSerializable(typeof(DirtyData))]
[JsonSerializable(typeof(MetricsData))]
[JsonSerializable(typeof(AllData))]
[JsonSerializable(typeof(WorkersAdded))]
[JsonSerializable(typeof(WorkersRemoved))]
[JsonSerializable(typeof(WorkerKillResult))]
[JsonSerializable(typeof(DirtyScaleResult))]
[JsonSerializable(typeof(ActionResult))]
[JsonSerializable(typeof(HelpData))]
public sealed partial class ControlJsonContext : JsonSerializerContext
{
}
