#!/usr/bin/env bash
# Runs one AFL++ campaign against one MgmtWatch fuzz target and collects what it finds.
#
#   tests/fuzz/run-campaign.sh TARGET SECONDS      e.g. tests/fuzz/run-campaign.sh snmp 600
#   tests/fuzz/run-campaign.sh --list              the targets
#
# Steps: build tests/MgmtWatch.Fuzz (Release) into tests/fuzz/work/build, instrument MgmtWatch.Core.dll
# there with SharpFuzz (the local dotnet tool in .config/dotnet-tools.json), make the seed corpora from
# the captures once (make-seeds.py), run afl-fuzz for SECONDS, then copy crashes and hangs to
# tests/fuzz/work/findings-<TARGET>/ and append the campaign's figures to tests/fuzz/work/campaigns.tsv.
# Each finding is replayed at once through an uninstrumented build (tests/fuzz/work/plain) and its exception
# written beside it (<finding>.txt). Replay by hand the same way:
#   dotnet tests/fuzz/work/plain/MgmtWatch.Fuzz.dll TARGET FILE...
# (never with the instrumented build: outside afl-fuzz its coverage writes hit unmapped memory and every
# input "crashes" with AccessViolationException).
#
# Needs: afl++ and tshark (Debian packages), the .NET SDK. Never in CI (minutes per target, one core).
# The machine is shared: run one campaign at a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$root/tests/fuzz/work
build=$work/build

if [ "${1:-}" = "--list" ]; then
  echo "reader decoder ipmi snmp dns dhcp syslog ntp tls ssh http rfb kvm ldap"
  exit 0
fi
if [ $# -ne 2 ]; then
  echo "usage: $0 TARGET SECONDS (or --list)" >&2
  exit 2
fi
target=$1
seconds=$2
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }

# Build and instrument once per source state: SharpFuzz refuses to instrument an assembly twice, so the
# stamp is a hash of every source file the harness is built from.
# FUZZ_REUSE_BUILD=1 keeps an existing build (a series of campaigns while the tree changes).
stamp=$(find src tests/MgmtWatch.Fuzz Directory.Build.props Directory.Packages.props -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
  -not -path '*/bin/*' -not -path '*/obj/*' | sort | xargs sha1sum | sha1sum | cut -c1-16)
if [ ! -f "$build/.instrumented" ] || { [ "${FUZZ_REUSE_BUILD:-0}" != 1 ] && [ "$(cat "$build/.instrumented")" != "$stamp" ]; }; then
  rm -rf "$build" "$work/plain"
  dotnet build tests/MgmtWatch.Fuzz -c Release -o "$build" -p:TreatWarningsAsErrors=false >/dev/null
  cp -r "$build" "$work/plain"
  dotnet tool restore >/dev/null
  # Only MgmtWatch's own code is instrumented: coverage of the BCL would drown the signal.
  dotnet tool run sharpfuzz "$build/MgmtWatch.Core.dll" MgmtWatch.Core
  echo "$stamp" > "$build/.instrumented"
fi

if [ ! -d "$work/seeds/$target" ]; then
  python3 tests/fuzz/make-seeds.py "$work/seeds"
fi
[ -d "$work/seeds/$target" ] || { echo "no seeds for target $target (see --list)" >&2; exit 2; }

out=$work/afl-$target
rm -rf "$out"
mkdir -p "$out"

# AFL_SKIP_BIN_CHECK: the binary is dotnet, instrumented through SharpFuzz rather than afl-cc.
# DOTNET_GCHeapHardLimit: 512 MiB, so an input that makes the sensor allocate without bound dies with
#   OutOfMemoryException and afl-fuzz records it as a crash (a hostile length must never size memory).
# -t 5000: five seconds per input (the first executions include JIT compilation); slower is a hang.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 DOTNET_GCHeapHardLimit=0x20000000 DOTNET_CLI_TELEMETRY_OPTOUT=1
set +e
for attempt in 1 2 3; do
  # The fork server's first execution (JIT, assembly loading) now and then reports an empty coverage map
  # ("No instrumentation detected") when the machine is busy: try again rather than lose the campaign.
  afl-fuzz -i "$work/seeds/$target" -o "$out" -V "$seconds" -t 5000 -m none -- \
    dotnet "$build/MgmtWatch.Fuzz.dll" "$target" > "$out/afl.log" 2>&1
  status=$?
  [ -f "$out/default/fuzzer_stats" ] && break
  rm -rf "$out"; mkdir -p "$out"; cp /dev/null "$out/afl.log"
done
set -e

stats=$out/default/fuzzer_stats
if [ ! -f "$stats" ]; then
  echo "afl-fuzz did not start (exit $status); the end of its log:" >&2
  tail -n 30 "$out/afl.log" >&2
  exit 1
fi
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }

findings=$work/findings-$target
rm -rf "$findings"
mkdir -p "$findings"
cp "$out"/default/crashes/id:* "$findings"/ 2>/dev/null || true
for h in "$out"/default/hangs/id:*; do [ -e "$h" ] && cp "$h" "$findings/hang-$(basename "$h")"; done
for f in "$findings"/*; do
  [ -e "$f" ] || continue
  timeout 60 dotnet "$work/plain/MgmtWatch.Fuzz.dll" "$target" "$f" > "$f.txt" 2>&1 || true
done

line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$target" "$(get run_time)" "$(get execs_done)" \
  "$(get execs_per_sec)" "$(get corpus_count)" "$(get saved_crashes)" "$(get saved_hangs)" "$(get stability)")
[ -f "$work/campaigns.tsv" ] || printf 'target\tseconds\texecs\texecs_per_sec\tcorpus\tcrashes\thangs\tstability\n' > "$work/campaigns.tsv"
echo "$line" >> "$work/campaigns.tsv"
echo "$line"

if [ -n "$(ls -A "$findings")" ]; then
  echo "findings in $findings (each with its replayed exception in FILE.txt); replay with:" >&2
  echo "  dotnet $work/plain/MgmtWatch.Fuzz.dll $target FILE" >&2
fi
