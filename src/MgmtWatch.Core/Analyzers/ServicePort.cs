namespace MgmtWatch.Core.Analyzers;

/// <summary>A transport protocol and port on which an application protocol is expected.</summary>
/// <param name="Protocol">IP protocol number (TCP or UDP).</param>
/// <param name="Port">Port number.</param>
public readonly record struct ServicePort(byte Protocol, ushort Port);
