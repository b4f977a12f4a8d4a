using MgmtWatch.Core.Analyzers.Ipmi;

namespace MgmtWatch.Core.Tests.Analyzers.Ipmi;

public class CipherSuitesTests
{
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(1, 1, 1, 3)]
    [InlineData(3, 4, 1, 17)]
    [InlineData(2, 3, 0, 11)]
    [InlineData(0, 1, 0, -1)] // RAKP-none with an integrity algorithm: no standard suite
    public void AlgorithmTriplesMapToTheStandardSuiteIds(byte auth, byte integrity, byte confidentiality, int id) =>
        Assert.Equal(id, CipherSuites.IdOf(auth, integrity, confidentiality));

    [Fact]
    public void TheGigabyteListingNamesSuites3And17()
    {
        // Real Get Channel Cipher Suites records from kontron/python-ipmi#188 (ipmi-wire.md §8).
        ulong suites = 0;
        var authNone = false;
        CipherSuites.ReadRecords([0xC0, 0x03, 0x01, 0x41, 0x81, 0xC0, 0x11, 0x03, 0x44, 0x81], ref suites, ref authNone);
        Assert.Equal((1UL << 3) | (1UL << 17), suites);
        Assert.False(authNone);
    }

    [Fact]
    public void ASuiteZeroRecordAndAnOemRecordWithRakpNoneAreBothSeen()
    {
        ulong suites = 0;
        var authNone = false;
        CipherSuites.ReadRecords([0xC1, 0x30, 0x57, 0x01, 0x00, 0x00, 0x40, 0x80, 0xC0], ref suites, ref authNone); // OEM id 0x30, IANA, RAKP-none; a cut record
        Assert.True(authNone);
        Assert.Equal(1UL << 0x30, suites);
    }
}
