namespace MgmtWatch.Core.Simulation;

/// <summary>A planned administrator session from a jump host to a BMC.</summary>
internal sealed record AdminSession(long Start, long Duration, Host JumpHost, Bmc Bmc, AdminSessionKind Kind, string Admin, int Index);
