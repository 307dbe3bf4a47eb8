#!/usr/bin/env bash
# Benchmarks against the running local stack: ./stack up --detach && ops/bench.sh [ingest|e2e|provisioning|pacing|all]
# Prints throughput, latency percentiles (HdrHistogram) and RSS; the load generator shares the machine's cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -d bench/target/lib ] || [ ! -f bench/target/bench-1.0.0-SNAPSHOT.jar ]; then
  ./mvnw -q -B -pl bench -am package -DskipTests
fi
exec java -Xmx2g -Dstack.root="$ROOT" -cp "bench/target/bench-1.0.0-SNAPSHOT.jar:bench/target/lib/*" ai.galaxyco.phone.bench.Benchmarks "$@"
