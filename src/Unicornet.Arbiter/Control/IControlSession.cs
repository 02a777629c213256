using Unicornet.Config.Options;

namespace Unicornet.Arbitration;

/// <summary>What the master asks of its control socket's handler, in terms that name nothing of Control's.</summary>
internal interface IControlSession
{
    /// <summary>Opens the socket with <paramref name="control"/> unless it is open; failures are logged.</summary>
    void Start(ControlOptions control);

    /// <summary>Closes the socket if it is open.</summary>
    void Stop();

    /// <summary>Runs the commands queued for the main loop.</summary>
    void RunPending();
}
