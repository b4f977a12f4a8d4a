namespace MgmtWatch.Core.Tests.Support;

/// <summary>Temporary files under one directory per test run, removed at process exit.</summary>
public static class TempFiles
{
    private static readonly Lazy<string> Directory = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "mgmtwatch-tests-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return dir;
    });

    public static string Create(string extension = "") =>
        Path.Combine(Directory.Value, Guid.NewGuid().ToString("N") + extension);

    public static string Write(byte[] bytes, string extension = ".pcap")
    {
        var path = Create(extension);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
