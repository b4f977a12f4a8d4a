namespace MgmtWatch.Core.Capture;

/// <summary>
/// Why reading a capture stopped early: the file, the byte offset where the problem was found and a
/// sentence for people. Packets read before it are valid and have been processed.
/// </summary>
/// <param name="Source">The file name as the user gave it.</param>
/// <param name="Offset">Byte offset in the (decompressed) file, or -1 when the file could not be opened.</param>
/// <param name="Message">What is wrong, in one sentence.</param>
public sealed record CaptureError(string Source, long Offset, string Message)
{
    /// <summary>
    /// One line: <c>file: offset N: message</c>, safe for a terminal or a log: a file name (or an operating
    /// system message) holding control characters or bidirectional overrides is shown escaped, never obeyed.
    /// </summary>
    public override string ToString() =>
        Analyzers.WireText.Sanitize(Offset >= 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Source}: offset {Offset}: {Message}")
            : $"{Source}: {Message}");
}
