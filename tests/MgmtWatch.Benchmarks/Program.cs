using System.Globalization;
using BenchmarkDotNet.Running;

namespace MgmtWatch.Benchmarks;

/// <summary>
/// <c>throughput [--hours H | --synthetic-mix [--packets N] | --capture FILE] [--repeats N] [--model DIR] [--stage NAME]...</c>: whole-path
/// packets/s against tcpdump and a bare libpcap loop, on a simulated management network (default), the synthetic
/// many-flows mix or a given capture; with a model, also the full path scoring every flow, and what scoring costs.
/// <c>micro [BenchmarkDotNet args]</c>: per-component micro-benchmarks with the memory diagnoser.
/// <c>floods [--dir D]</c>: peak memory and evictions under SYN, fragment and tiny-UDP floods, and the memory a million concurrent flows hold.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "floods")
        {
            return Floods.Run(args.Length > 2 && args[1] == "--dir" ? args[2] : Path.GetTempPath());
        }

        if (args.Length > 1 && args[0] == "flood-run")
        {
            return Floods.Analyse(args[1]);
        }

        if (args.Length > 1 && args[0] == "flow-memory")
        {
            return Floods.FlowMemory(args[1]);
        }

        if (args.Length > 0 && args[0] == "live")
        {
            return Live.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "micro")
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }

        var packets = 2_000_000;
        var repeats = 3;
        var hours = 4.0;
        var synthetic = false;
        string? capture = null;
        string? model = null;
        var only = new List<string>();
        for (var i = args.Length > 0 && args[0] == "throughput" ? 1 : 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stage":
                    only.Add(args[++i]);
                    break;
                case "--hours":
                    hours = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--synthetic-mix":
                    synthetic = true;
                    break;
                case "--packets":
                    packets = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--capture":
                    capture = args[++i];
                    break;
                case "--repeats":
                    repeats = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--model":
                    model = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument {args[i]}; usage: throughput [--hours H | --synthetic-mix [--packets N] | --capture FILE] [--repeats N] [--model DIR] [--stage NAME]... | micro [--filter *] | floods [--dir D] | live");
                    return 2;
            }
        }

        if (capture is null && synthetic)
        {
            capture = Path.Combine(Path.GetTempPath(), $"mgmtwatch-mix-{packets}.pcap");
            if (!File.Exists(capture))
            {
                Console.WriteLine($"writing a {packets:N0}-packet synthetic mix to {capture} ...");
                ManagementMix.Write(capture, packets);
            }
        }
        else if (capture is null)
        {
            // The default: the simulator's management network (40 BMCs, its pollers, real IPMI, SNMP, NTP, DNS,
            // syslog, DHCP and TLS bytes), four hours of it: about 2.4 million packets that every analyzer parses.
            capture = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"mgmtwatch-site-{hours:0.##}h.pcap"));
            if (!File.Exists(capture))
            {
                Console.WriteLine($"simulating {hours:0.##} hours of a 40-BMC management network into {capture} ...");
                var partial = capture + ".partial";
                Core.Simulation.ManagementNetworkSimulator.Write(new Core.Simulation.SimulationOptions { Duration = TimeSpan.FromHours(hours) }, partial);
                File.Move(partial, capture);
            }
        }

        return Throughput.Run(capture, repeats, model is null ? null : Core.Scoring.AnomalyModel.Load(model), only);
    }
}
