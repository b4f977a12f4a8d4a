#!/usr/bin/env bash
# Judges MgmtWatch on simulated sites it was not tuned on (issue 3's acceptance run).
#
# For each seed (a different site: addresses, vendors, pollers, time zone, habits): train on 3 hours of the
# site's normal traffic (Monday from 00:00 UTC), then evaluate the model on 3 hours of the same site two
# days later with all ten attack campaigns, and on a whole clean day (24 h, no attack) three days later.
# The windows of one site differ in everything that happens (polls, sessions, reboots); the site stays.
# Prints one table row per seed and keeps everything under the work directory.
#
#   tests/evaluation/evaluate-sites.sh [--bmcs N] [--work DIR] SEED...
set -euo pipefail
cd "$(dirname "$0")/../.."
bmcs=40
work=/tmp/mgmtwatch-evaluation
while [ $# -gt 0 ]; do
  case "$1" in
    --bmcs) bmcs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- 101 202 303
dotnet build src/MgmtWatch.Cli -c Release -v q >/dev/null
mgmtwatch() { dotnet src/MgmtWatch.Cli/bin/Release/net10.0/mgmtwatch.dll "$@"; }
mkdir -p "$work"

echo "| seed | site | training flows | training time | campaigns caught | false alerts/h (attack day) | false alerts/h (clean day) | flow ROC AUC | analyze clean day: rules only / with model |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for seed in "$@"; do
  d="$work/$seed"
  mkdir -p "$d"
  site=$(mgmtwatch simulate --no-progress --out "$d/baseline.pcap" --seed "$seed" --bmcs "$bmcs" --hours 3 --start 2026-03-02T00:00:00Z 2>&1 | head -1)
  mgmtwatch simulate -q --out "$d/attacks.pcap" --labels "$d/attacks.csv" --seed "$seed" --bmcs "$bmcs" --hours 3 --start 2026-03-04T00:00:00Z --attack all
  mgmtwatch simulate -q --out "$d/clean.pcap" --seed "$seed" --bmcs "$bmcs" --hours 24 --start 2026-03-05T00:00:00Z
  t0=$(date +%s.%N)
  mgmtwatch train "$d/baseline.pcap" --out "$d/model" --force --no-progress -q > /dev/null
  t1=$(date +%s.%N)
  mgmtwatch evaluate --model "$d/model" --labels "$d/attacks.csv" "$d/attacks.pcap" --eve "$d/attacks.eve.json" -q > "$d/attacks.json"
  mgmtwatch evaluate --model "$d/model" "$d/clean.pcap" --eve "$d/clean.eve.json" -q > "$d/clean.json"
  # Scoring cost: the clean day analysed with rules only and with the model, best of three each.
  best() { local b=999999; for _ in 1 2 3; do local s; s=$(date +%s.%N); "$@" > /dev/null; local e; e=$(date +%s.%N); b=$(python3 -c "print(min($b, $e - $s))"); done; echo "$b"; }
  rules=$(best mgmtwatch analyze "$d/clean.pcap" --no-model -o none -q)
  model=$(best mgmtwatch analyze "$d/clean.pcap" --model "$d/model" -o none -q)
  python3 - "$seed" "$site" "$t0" "$t1" "$d" "$rules" "$model" <<'PY'
import json, sys
seed, site, t0, t1, d, rules, model = sys.argv[1:]
m = json.load(open(f"{d}/model/model.json"))
a = json.load(open(f"{d}/attacks.json"))
c = json.load(open(f"{d}/clean.json"))
missed = [x["campaign"] for x in a["campaigns"] if not x["caught"]]
caught = f'{a["campaigns_caught"]}/{len(a["campaigns"])}' + (f' (missed {", ".join(missed)})' if missed else "")
slow = (float(model) / float(rules) - 1) * 100
print(f'| {seed} | {site.removeprefix("site: ")} | {m["metrics"]["flows"]:,} | {float(t1) - float(t0):.1f} s | {caught} | '
      f'{a["false_alerts_per_hour"]:.2f} | {c["false_alerts_per_hour"]:.2f} ({c["false_alerts"]} in {c["hours"]:.0f} h) | '
      f'{a["roc_auc_model"]:.6f} | {float(rules):.2f} s / {float(model):.2f} s ({slow:+.0f} %) |')
PY
done
