namespace MgmtWatch.Core.Capture;

/// <summary>How several capture files are read in one run.</summary>
public enum MergeOrder
{
    /// <summary>Packets of all files interleaved by timestamp, as mergecap does by default.</summary>
    Time,

    /// <summary>Each file whole, in the order given (mergecap -a).</summary>
    Given,
}
