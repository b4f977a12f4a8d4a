#!/usr/bin/env bash
# Regenerates the simulator fixtures pcaps/sim-baseline.pcap and pcaps/sim-attacks.pcap (+ labels), and
# the shipped model models/default/ trained on the baseline.
# The simulator and training are deterministic: these commands write the same bytes every time, and
# tests/MgmtWatch.Cli.Tests/SimulatedFixtureTests.cs runs each "mgmtwatch simulate" and "mgmtwatch train"
# line below and compares its output with the shipped files byte for byte.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/MgmtWatch.Cli -c Release -v q
mgmtwatch() { dotnet src/MgmtWatch.Cli/bin/Release/net10.0/mgmtwatch.dll "$@"; }

mgmtwatch simulate --out pcaps/sim-baseline.pcap --seed 35 --bmcs 8 --hours 1.5 -q
mgmtwatch simulate --out pcaps/sim-attacks.pcap --labels pcaps/sim-attacks.labels.csv --seed 35 --bmcs 8 --hours 0.5 --start 2026-03-03T12:00:00Z --attack all --attack-start-hour 0.05 --bulk-scale 0.01 -q
mgmtwatch train pcaps/sim-baseline.pcap --out models/default --force --no-progress -q
