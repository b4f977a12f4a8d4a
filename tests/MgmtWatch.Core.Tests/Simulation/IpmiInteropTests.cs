using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MgmtWatch.Core.Simulation;
using MgmtWatch.Core.Tests.Support;

namespace MgmtWatch.Core.Tests.Simulation;

/// <summary>
/// Real IPMI software accepts the simulator's bytes, on loopback only: the simulator's client messages
/// and crypto open a session with OpenIPMI's <c>ipmi_sim</c> BMC (RAKP2 HMAC, RAKP4 ICV and an encrypted
/// command all check out), and <c>ipmitool</c> completes <c>mc info</c> against a responder built from the
/// simulator's BMC-side messages (ipmitool verifies the RAKP2 HMAC, the RAKP4 ICV and every AuthCode).
/// </summary>
public sealed class IpmiInteropTests
{
    [SkippableFact]
    public void SimulatorClientOpensASessionWithIpmiSim()
    {
        Skip.IfNot(OnPath("ipmi_sim"), "ipmi_sim is not installed (.ci/run installs it: apt-get install -y openipmi)");
        var port = FreeUdpPort();
        using var sim = new IpmiSimulator(null, "127.0.0.1", port, capture: false);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Client.ReceiveTimeout = 2_000;
        var bmc = new IPEndPoint(IPAddress.Loopback, port);
        var buffer = new byte[512];

        // ipmi_sim needs a moment before it answers (ipmi-sim.md): retry the first request.
        byte[]? caps = null;
        for (var i = 0; i < 10 && caps is null; i++)
        {
            var n = IpmiMessages.GetChannelAuthCapsRequest(buffer, 0, 0x04);
            caps = Exchange(udp, bmc, buffer.AsSpan(0, n), allowTimeout: true);
        }

        Assert.NotNull(caps);
        Assert.Equal(0x00, caps[20]); // completion code

        using var crypto = new IpmiCrypto(3, IpmiSimulator.User, IpmiSimulator.Password, 0x14) { ConsoleSessionId = 0x11223344 };
        Random.Shared.NextBytes(crypto.ConsoleRandom);
        var len = IpmiMessages.OpenSessionRequestMessage(buffer, 0, 0x04, crypto.ConsoleSessionId, crypto.AuthAlgorithm, crypto.IntegrityAlgorithm, crypto.ConfidentialityAlgorithm);
        var open = Exchange(udp, bmc, buffer.AsSpan(0, len))!;
        Assert.Equal(0x11, open[5]);
        Assert.Equal(0x00, open[17]);
        crypto.BmcSessionId = BinaryPrimitives.ReadUInt32LittleEndian(open.AsSpan(24));

        len = IpmiMessages.Rakp1Message(buffer, 1, crypto.BmcSessionId, crypto.ConsoleRandom, 0x14, System.Text.Encoding.ASCII.GetBytes(IpmiSimulator.User));
        var rakp2 = Exchange(udp, bmc, buffer.AsSpan(0, len))!;
        Assert.Equal(0x13, rakp2[5]);
        Assert.Equal(0x00, rakp2[17]);
        rakp2.AsSpan(24, 16).CopyTo(crypto.BmcRandom);
        rakp2.AsSpan(40, 16).CopyTo(crypto.BmcGuid);
        var mine = new byte[32];
        var codeLength = crypto.Rakp2Code(mine);
        Assert.Equal(mine[..codeLength], rakp2.AsSpan(56).ToArray()); // the real BMC's HMAC equals ours

        var code3 = new byte[32];
        len = IpmiMessages.Rakp3Message(buffer, 2, 0, crypto.BmcSessionId, code3.AsSpan(0, crypto.Rakp3Code(code3)));
        var rakp4 = Exchange(udp, bmc, buffer.AsSpan(0, len))!;
        Assert.Equal(0x15, rakp4[5]);
        Assert.Equal(0x00, rakp4[17]); // the BMC accepted our RAKP3 HMAC
        crypto.DeriveKeys();
        var icv = new byte[16];
        Assert.Equal(icv[..crypto.Rakp4Icv(icv)], rakp4.AsSpan(24).ToArray()); // and our SIK

        // An encrypted, authenticated Get Device ID; the answer must authenticate and decrypt with our K1/K2.
        var message = new byte[16];
        var iv = new byte[16];
        Random.Shared.NextBytes(iv);
        var m = IpmiMessages.Request(message, IpmiMessages.NetFnApp, 0x01, 5, []);
        len = crypto.Seal(buffer, crypto.BmcSessionId, 1, message.AsSpan(0, m), iv);
        var answer = Exchange(udp, bmc, buffer.AsSpan(0, len))!;
        Assert.Equal(0xC0, answer[5]);
        var plain = new byte[256];
        var plainLength = crypto.Open(answer, plain);
        Assert.True(plainLength > 7, "the reply did not authenticate or decrypt");
        Assert.Equal(0x01, plain[5]);
        Assert.Equal(0x00, plain[6]);
        Assert.Equal(0, plain.AsSpan(3, plainLength - 3).ToArray().Sum(b => b) & 0xFF); // the whole message, checksum included

        var close = IpmiMessages.Request(message, IpmiMessages.NetFnApp, 0x3C, 6, BitConverter.GetBytes(crypto.BmcSessionId));
        Random.Shared.NextBytes(iv);
        len = crypto.Seal(buffer, crypto.BmcSessionId, 2, message.AsSpan(0, close), iv);
        Assert.NotNull(Exchange(udp, bmc, buffer.AsSpan(0, len)));
    }

    [SkippableTheory]
    [InlineData(3)]
    [InlineData(17)]
    public void IpmitoolCompletesASessionWithTheSimulatorsBmcMessages(int suite)
    {
        Skip.IfNot(OnPath("ipmitool"), "ipmitool is not installed (.ci/run installs it: apt-get install -y ipmitool)");
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Client.ReceiveTimeout = 500;
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var site = SiteBuilder.Build(new SimulationOptions { Seed = 3, Bmcs = 1 });
        var bmc = site.Bmcs[0];
        var user = bmc.Users[0];
        using var stop = new CancellationTokenSource();
        var responder = Task.Run(() => Respond(udp, bmc, user.User, user.Password, stop.Token));
        try
        {
            var psi = new ProcessStartInfo("ipmitool") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-I", "lanplus", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", user.User, "-P", user.Password, "-C", suite.ToString(System.Globalization.CultureInfo.InvariantCulture), "-N", "1", "-R", "1", "mc", "info" })
            {
                psi.ArgumentList.Add(a);
            }

            using var ipmitool = Process.Start(psi)!;
            var stdout = ipmitool.StandardOutput.ReadToEndAsync();
            var stderr = ipmitool.StandardError.ReadToEndAsync();
            Assert.True(ipmitool.WaitForExit(30_000), "ipmitool hung");
            Assert.True(ipmitool.ExitCode == 0, $"ipmitool exit {ipmitool.ExitCode}: {stderr.Result}");
            Assert.Contains("Device ID", stdout.Result, StringComparison.Ordinal);
        }
        finally
        {
            stop.Cancel();
            responder.Wait(5_000);
        }
    }

    /// <summary>A one-session BMC built from the simulator's BMC-side messages and crypto.</summary>
    private static void Respond(UdpClient udp, Bmc bmc, string user, string password, CancellationToken stop)
    {
        IpmiCrypto? crypto = null;
        uint outbound = 1;
        var reply = new byte[512];
        var plain = new byte[512];
        var message = new byte[300];
        var iv = new byte[16];
        while (!stop.IsCancellationRequested)
        {
            IPEndPoint? from = null;
            byte[] p;
            try
            {
                p = udp.Receive(ref from);
            }
            catch (SocketException)
            {
                continue;
            }

            int n;
            if (p.Length > 20 && p[4] == 0x00 && p[19] == 0x38)
            {
                n = IpmiMessages.GetChannelAuthCapsResponse(reply, (byte)(p[18] >> 2), bmc);
            }
            else if (p.Length > 21 && p[4] == 0x06 && p[5] == 0x00 && p[21] == 0x54)
            {
                var records = IpmiMessages.CipherSuiteRecords(bmc);
                var index = p[24] & 0x3F;
                var chunk = records.AsSpan(Math.Min(records.Length, index * 16), Math.Max(0, Math.Min(16, records.Length - (index * 16)))).ToArray();
                var m = IpmiMessages.Response(message, IpmiMessages.NetFnApp, 0x54, (byte)(p[20] >> 2), 0, [bmc.LanChannel, .. chunk]);
                n = IpmiMessages.PlainV2(reply, message.AsSpan(0, m));
            }
            else if (p.Length >= 48 && p[5] == 0x10)
            {
                var auth = p[28];
                var suite = auth == 3 ? 17 : 3;
                crypto?.Dispose();
                crypto = new IpmiCrypto(suite, user, password, 0x14)
                {
                    ConsoleSessionId = BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(20)),
                    BmcSessionId = 0x0BADF00D,
                };
                bmc.Guid.CopyTo(crypto.BmcGuid, 0);
                Random.Shared.NextBytes(crypto.BmcRandom);
                n = IpmiMessages.OpenSessionResponseMessage(reply, p[16], 0, 0x04, crypto.ConsoleSessionId, crypto.BmcSessionId, crypto.AuthAlgorithm, crypto.IntegrityAlgorithm, crypto.ConfidentialityAlgorithm);
            }
            else if (crypto is not null && p.Length >= 44 && p[5] == 0x12)
            {
                p.AsSpan(24, 16).CopyTo(crypto.ConsoleRandom);
                var role = p[40];
                var name = Encoding.ASCII.GetString(p, 44, p[43]);
                var code = new byte[32];
                using var session = new IpmiCrypto(crypto.Suite, name, password, role)
                {
                    ConsoleSessionId = crypto.ConsoleSessionId,
                    BmcSessionId = crypto.BmcSessionId,
                };
                crypto.ConsoleRandom.CopyTo(session.ConsoleRandom, 0);
                crypto.BmcRandom.CopyTo(session.BmcRandom, 0);
                crypto.BmcGuid.CopyTo(session.BmcGuid, 0);
                var k = session.Rakp2Code(code);
                crypto.Dispose();
                crypto = new IpmiCrypto(session.Suite, name, password, role) { ConsoleSessionId = session.ConsoleSessionId, BmcSessionId = session.BmcSessionId };
                session.ConsoleRandom.CopyTo(crypto.ConsoleRandom, 0);
                session.BmcRandom.CopyTo(crypto.BmcRandom, 0);
                session.BmcGuid.CopyTo(crypto.BmcGuid, 0);
                n = IpmiMessages.Rakp2Message(reply, p[16], 0, crypto.ConsoleSessionId, crypto.BmcRandom, crypto.BmcGuid, code.AsSpan(0, k));
            }
            else if (crypto is not null && p.Length >= 24 && p[5] == 0x14)
            {
                var expected = new byte[32];
                var k = crypto.Rakp3Code(expected);
                var ok = p.AsSpan(24).SequenceEqual(expected.AsSpan(0, k));
                crypto.DeriveKeys();
                var icv = new byte[16];
                var i = crypto.Rakp4Icv(icv);
                n = IpmiMessages.Rakp4Message(reply, p[16], ok ? (byte)0 : (byte)0x0F, crypto.ConsoleSessionId, icv.AsSpan(0, i));
            }
            else if (crypto is not null && p.Length > 16 && p[5] == 0xC0)
            {
                var length = crypto.Open(p, plain);
                if (length < 7)
                {
                    continue; // a bad AuthCode: a real BMC drops it silently
                }

                var netFn = (byte)(plain[1] >> 2);
                var command = plain[5];
                var seq = (byte)(plain[4] >> 2);
                byte[] data = (netFn, command) switch
                {
                    (0x06, 0x3B) => [0x00, plain[6]],
                    (0x06, 0x01) => IpmiCommands.GetDeviceId().Response(bmc, Random.Shared),
                    (0x06, 0x3C) => [0x00],
                    _ => [0xC1],
                };
                var m = IpmiMessages.Response(message, netFn, command, seq, data[0], data.AsSpan(1));
                Random.Shared.NextBytes(iv);
                n = crypto.Seal(reply, crypto.ConsoleSessionId, outbound++, message.AsSpan(0, m), iv);
            }
            else
            {
                continue;
            }

            udp.Send(reply, n, from);
        }

        crypto?.Dispose();
    }

    private static byte[]? Exchange(UdpClient udp, IPEndPoint to, ReadOnlySpan<byte> request, bool allowTimeout = false)
    {
        udp.Send(request, to);
        try
        {
            IPEndPoint? from = null;
            return udp.Receive(ref from);
        }
        catch (SocketException) when (allowTimeout)
        {
            return null;
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    private static int FreeUdpPort()
    {
        using var s = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.Client.LocalEndPoint!).Port;
    }

}
