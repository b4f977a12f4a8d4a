namespace MgmtWatch.Core.Simulation;

/// <summary>One IPMI request with the response data the BMC gives to it (completion code first).</summary>
internal sealed record IpmiCommand(byte NetFn, byte Command, byte[] Request, Func<Bmc, Random, byte[]> Response);
