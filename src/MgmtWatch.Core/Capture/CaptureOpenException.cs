namespace MgmtWatch.Core.Capture;

/// <summary>Why a live interface could not be opened, in words an operator can act on.</summary>
public sealed class CaptureOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CaptureOpenException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CaptureOpenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public CaptureOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What kind of failure it was.</summary>
    public CaptureFailure Failure { get; init; }
}

/// <summary>Kinds of live-capture failure.</summary>
public enum CaptureFailure
{
    /// <summary>Something else.</summary>
    Other,

    /// <summary>The native libpcap library is not installed.</summary>
    LibpcapMissing,

    /// <summary>No interface of that name.</summary>
    NoSuchInterface,

    /// <summary>Not allowed to capture (no CAP_NET_RAW).</summary>
    Permission,

    /// <summary>The BPF filter does not compile.</summary>
    BadFilter,
}
