using System.Text;

namespace MgmtWatch.Core.Analyzers.Http;

/// <summary>
/// What a request to a BMC's management API (DMTF Redfish, DSP0266, under <c>/redfish/</c>, or HPE iLO 4's
/// older REST API under <c>/rest/v1/</c>) exposes when it travels in clear (threats.md §10): a login carries
/// the password in its body, every later request the session token in X-Auth-Token, and the requests that
/// change the BMC are an attacker's goals (a new account, a firmware image, a mounted ISO, a reset, an
/// event subscription that makes the BMC post to a URL of the caller's choice).
/// </summary>
internal static class RedfishRequest
{
    /// <summary>Whether the path is the management API's.</summary>
    public static bool IsApi(ReadOnlySpan<byte> path) =>
        StartsWith(path, "/redfish/"u8) || Ascii.EqualsIgnoreCase(path, "/redfish"u8) || StartsWith(path, "/rest/v1/"u8) || Ascii.EqualsIgnoreCase(path, "/rest/v1"u8);

    /// <summary>
    /// What the request does when it logs in, changes the BMC, or carries a session token; null for an
    /// anonymous read (the service root and its metadata are readable without logging in, DSP0266 §13.3.1).
    /// </summary>
    public static string? Exposure(ReadOnlySpan<byte> method, ReadOnlySpan<byte> path, bool sessionToken)
    {
        if (method.SequenceEqual("POST"u8) && Contains(path, "/Sessions"u8))
        {
            return "login";
        }

        var writes = method.SequenceEqual("POST"u8) || method.SequenceEqual("PATCH"u8) || method.SequenceEqual("PUT"u8) || method.SequenceEqual("DELETE"u8);
        if (!writes)
        {
            return sessionToken ? "authenticated_read" : null;
        }

        return Contains(path, "/Sessions"u8) ? "logout"
            : Contains(path, "/Accounts"u8) ? "account_change"
            : Contains(path, "UpdateService"u8) ? "firmware_update"
            : Contains(path, "VirtualMedia"u8) ? "virtual_media"
            : Contains(path, ".Reset"u8) ? "reset"
            : Contains(path, "/Subscriptions"u8) ? "event_subscription"
            : "change";
    }

    /// <summary>
    /// The path with an account's member segment (after /Accounts/) replaced by its keyed fingerprint, unless
    /// it is a number: some BMCs name accounts by user (OpenBMC's /redfish/v1/AccountService/Accounts/root),
    /// and user names are credentials here. Other paths are returned as they are.
    /// </summary>
    public static ReadOnlySpan<byte> WithoutUserNames(ReadOnlySpan<byte> path, CredentialFingerprinter fingerprints)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        var at = IsApi(path) ? IndexOf(path, "/Accounts/"u8) : -1;
        if (at < 0)
        {
            return path;
        }

        var start = at + "/Accounts/"u8.Length;
        var length = path[start..].IndexOf((byte)'/');
        var member = length < 0 ? path[start..] : path.Slice(start, length);
        if (member.IsEmpty || !member.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return path;
        }

        byte[] shown = [.. path[..start], .. Encoding.ASCII.GetBytes(fingerprints.Fingerprint(member)), .. path[(start + member.Length)..]];
        return shown;
    }

    private static bool StartsWith(ReadOnlySpan<byte> path, ReadOnlySpan<byte> prefix) =>
        path.Length >= prefix.Length && Ascii.EqualsIgnoreCase(path[..prefix.Length], prefix);

    private static bool Contains(ReadOnlySpan<byte> path, ReadOnlySpan<byte> part) => IndexOf(path, part) >= 0;

    private static int IndexOf(ReadOnlySpan<byte> path, ReadOnlySpan<byte> part)
    {
        for (var i = 0; i + part.Length <= path.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(path.Slice(i, part.Length), part))
            {
                return i;
            }
        }

        return -1;
    }
}
