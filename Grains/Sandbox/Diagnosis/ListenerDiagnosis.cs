namespace Grader.Sandbox.Diagnosis;

/// <summary>What the socket table says about an app that does not answer yet. A listener on the right
/// port but only on loopback can never be reached from outside the container, so that verdict is at
/// once; a listener on another port may be a helper that opens first, so it must stand for a moment.</summary>
public static class ListenerDiagnosis
{
    public static readonly TimeSpan WrongPortGrace = TimeSpan.FromSeconds(0.8);

    /// <summary>Null when nothing is wrong (yet); otherwise the verdict and whether it is final now.</summary>
    public static (string Message, bool Definitive)? Diagnose(IReadOnlyList<Listener> listeners, int port)
    {
        var onPort = listeners.Where(l => l.Port == port).ToList();
        if (onPort.Count > 0)
        {
            if (onPort.Any(l => !l.IsLoopback))
            {
                return null;
            }

            return ($"The app listens on {onPort[0]}, which only the container itself can reach. Listen on 0.0.0.0:{port} "
                + "(all interfaces), e.g. --host 0.0.0.0 or http://0.0.0.0:" + port + ".", true);
        }

        if (listeners.Count == 0)
        {
            return null;
        }

        var others = string.Join(", ", listeners.Select(l => l.ToString()).Distinct().Take(4));
        return ($"The app listens on {others}, not on port {port}, the port this assignment uses. Listen on 0.0.0.0:{port}.", false);
    }
}
