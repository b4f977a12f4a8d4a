using MgmtWatch.Core.Decoding;

namespace MgmtWatch.Core.Flows;

/// <summary>
/// Zeek's <c>conn_state</c>, derived from the two endpoints' states exactly as Zeek's
/// base/protocols/conn/main.zeek does.
/// </summary>
public static class ConnState
{
    /// <summary>The conn_state value for a flow.</summary>
    public static string Of(byte protocol, TcpEndpointState orig, TcpEndpointState resp, bool origSentAny, bool respSentAny,
        bool noPayload, bool historyLooksLikeRstos0)
    {
        if (protocol == IpProtocol.Tcp)
        {
            var origInactive = orig is TcpEndpointState.Inactive or TcpEndpointState.Partial;
            var respInactive = resp is TcpEndpointState.Inactive or TcpEndpointState.Partial;
            if (resp == TcpEndpointState.Reset)
            {
                if (orig is TcpEndpointState.SynSent or TcpEndpointState.SynAckSent || (orig == TcpEndpointState.Reset && noPayload))
                {
                    return "REJ";
                }

                return origInactive ? "RSTRH" : "RSTR";
            }

            if (orig == TcpEndpointState.Reset)
            {
                if (respInactive)
                {
                    return historyLooksLikeRstos0 ? "RSTOS0" : "OTH";
                }

                return "RSTO";
            }

            if (resp == TcpEndpointState.Closed && orig == TcpEndpointState.Closed)
            {
                return "SF";
            }

            if (orig == TcpEndpointState.Closed)
            {
                return respInactive ? "SH" : "S2";
            }

            if (resp == TcpEndpointState.Closed)
            {
                return origInactive ? "SHR" : "S3";
            }

            if (orig == TcpEndpointState.SynSent && resp == TcpEndpointState.Inactive)
            {
                return "S0";
            }

            if (orig == TcpEndpointState.Established && resp == TcpEndpointState.Established)
            {
                return "S1";
            }

            return "OTH";
        }

        if (protocol == IpProtocol.Udp)
        {
            if (origSentAny)
            {
                return respSentAny ? "SF" : "S0";
            }

            return respSentAny ? "SHR" : "OTH";
        }

        return "OTH";
    }
}
