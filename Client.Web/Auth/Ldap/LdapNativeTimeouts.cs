using System.Runtime.InteropServices;

namespace Grader.Web.Auth.Ldap;

/// <summary>On Linux, System.DirectoryServices.Protocols binds through libldap's synchronous bind and
/// sets no timeout on it or on the connect: a server that accepts the TCP connection and then never
/// answers (a stopped slapd, a hung host) blocks sign-in for good, whatever LdapConnection.Timeout
/// says. libldap's process-wide defaults LDAP_OPT_NETWORK_TIMEOUT (connect) and LDAP_OPT_TIMEOUT
/// (every synchronous call) bound both, and each new connection copies them; so they are set once,
/// before the first connection is made.</summary>
public static class LdapNativeTimeouts
{
    private const int ApiTimeoutOption = 0x5002; // LDAP_OPT_TIMEOUT
    private const int NetworkTimeoutOption = 0x5005; // LDAP_OPT_NETWORK_TIMEOUT

    // The names System.DirectoryServices.Protocols tries, in its order, so both use the same library.
    private static readonly string[] LibraryNames = ["libldap.so.2", "libldap-2.6.so.0", "libldap-2.5.so.0", "libldap-2.4.so.2"];

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetTimeValueOption(IntPtr ld, int option, ref TimeValue value);

    /// <returns>Null when applied (or not needed), else why not.</returns>
    public static string? Apply(TimeSpan connect, TimeSpan operation)
    {
        // Windows' wldap32 honours LdapConnection.Timeout itself.
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var name in LibraryNames)
        {
            if (!NativeLibrary.TryLoad(name, out var library))
            {
                continue;
            }

            var setOption = Marshal.GetDelegateForFunctionPointer<SetTimeValueOption>(NativeLibrary.GetExport(library, "ldap_set_option"));
            var network = TimeValue.From(connect);
            var api = TimeValue.From(operation);
            // A null handle sets the defaults that new handles start with.
            var networkResult = setOption(IntPtr.Zero, NetworkTimeoutOption, ref network);
            var apiResult = setOption(IntPtr.Zero, ApiTimeoutOption, ref api);
            return networkResult == 0 && apiResult == 0 ? null : $"{name} refused the timeouts ({networkResult}, {apiResult})";
        }

        return "libldap was not found (" + string.Join(", ", LibraryNames) + ")";
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeValue
    {
        public nint Seconds;
        public nint Microseconds;

        public static TimeValue From(TimeSpan span) => new()
        {
            Seconds = (nint)span.TotalSeconds,
            Microseconds = span.Milliseconds * 1000 + span.Microseconds,
        };
    }
}
