namespace Unicornet.Hosting.Kestrel.HeadGuard;

/// <summary>What the head guard needs of the settings, normalised by the binder.</summary>
/// <param name="PermitUnconventionalVersion"><c>permit_unconventional_http_version</c>: an HTTP/2.0 request line is not refused here.</param>
/// <param name="CasefoldMethod"><c>casefold_http_method</c>: <c>options</c> and <c>connect</c> count as OPTIONS and CONNECT.</param>
/// <param name="MaxHead">The longest head the guard holds back; a longer one turns the connection to pass-through.</param>
internal sealed record HeadRules(bool PermitUnconventionalVersion, bool CasefoldMethod, int MaxHead)
{
    /// <summary>Longest chunk-size line (with extensions) the tracker follows.</summary>
    public const int MaxChunkLine = 4096;
}
