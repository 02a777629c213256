namespace Unicornet.Http.Connection;

/// <summary>
/// One object that lives as long as the connection, for the layer that runs the app (the ASP.NET
/// Core bridge keeps its pooled host context there, as Kestrel pools its HttpContext per connection).
/// The engine never reads it. Found on the feature collection by a type test, not as a feature, so
/// the request's feature set stays the same.
/// </summary>
internal interface IConnectionState
{
    /// <summary>Whatever the app layer keeps for this connection; null on a new connection.</summary>
    object? State { get; set; }
}
