using SharpFuzz;

namespace MgmtWatch.Fuzz;

/// <summary>
/// The AFL++ harness: <c>MgmtWatch.Fuzz TARGET</c> runs SharpFuzz's fork server on inputs from afl-fuzz
/// (stdin); <c>MgmtWatch.Fuzz TARGET FILE...</c> runs each file once and says which ones throw (reproducing a
/// crash, or checking a corpus). tests/fuzz/run-campaign.sh builds, instruments and runs it.
/// </summary>
internal static class Program
{
    /// <summary>Inputs are cut here: AFL++'s own default maximum file size (MAX_FILE, 1 MiB).</summary>
    private const int MaxInput = 1 << 20;

    private static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
        {
            Console.Error.WriteLine("usage: MgmtWatch.Fuzz TARGET [FILE...]");
            Console.Error.WriteLine("targets: " + string.Join(' ', FuzzTargets.Names));
            return 2;
        }

        var target = args[0];
        if (args.Length > 1)
        {
            var failed = 0;
            foreach (var file in args.Skip(1))
            {
                try
                {
                    FuzzTargets.Run(target, File.ReadAllBytes(file));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failed++;
                    Console.Error.WriteLine(file + ": " + ex);
                }
            }

            return failed == 0 ? 0 : 1;
        }

        var buffer = new byte[MaxInput];
        Fuzzer.Run(stream =>
        {
            var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            FuzzTargets.Run(target, buffer.AsSpan(0, n));
        });
        return 0;
    }
}
