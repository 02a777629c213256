namespace Unicornet.Logging;

/// <summary>
/// <c>capture_output</c>: points file descriptors 1 and 2 at the error log file, so whatever the app
/// or a native library prints lands in the log (what gunicorn does with dup2).
/// </summary>
internal static class OutputCapture
{
    public static void Redirect(string path)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        int fd = (int)file.SafeFileHandle.DangerousGetHandle();
        Unicornet.Platform.StandardStreams.Replace(fd);
    }
}
