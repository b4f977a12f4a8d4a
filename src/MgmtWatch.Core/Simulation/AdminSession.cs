namespace MgmtWatch.Core.Simulation;

/// <summary>A planned administrator session from a jump host (or, in attacks, another host) to a BMC.</summary>
/// <param name="Start">When it starts (µs).</param>
/// <param name="Duration">How long it lasts.</param>
/// <param name="JumpHost">Where the administrator sits.</param>
/// <param name="Bmc">The BMC.</param>
/// <param name="Kind">What is done.</param>
/// <param name="Admin">The directory account used.</param>
/// <param name="Index">Stable identifier (random stream name).</param>
/// <param name="Bytes">Size of a firmware image, 0 when the session chooses it.</param>
/// <param name="LocalAccount">True when the account is local to the BMC (no directory lookup).</param>
internal sealed record AdminSession(long Start, long Duration, Host JumpHost, Bmc Bmc, AdminSessionKind Kind, string Admin, int Index, long Bytes = 0, bool LocalAccount = false);
