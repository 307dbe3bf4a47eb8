#!/usr/bin/env bash
# Benchmarks against the running local stack: ./stack up --detach && ops/bench.sh [ingest|e2e|provisioning|pacing|all|faults|kafka-outage|analytics|scale]
# (scale starts the second instances itself: ./stack up --detach --replicas 2)
# Prints throughput, latency percentiles (HdrHistogram) and RSS; the load generator shares the machine's cores.
# The bench jar is rebuilt when its sources (or those of the modules it uses) changed since it was built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
hash=$( (git ls-files -co --exclude-standard -z -- pom.xml bench shared-model service-kit-core service-kit test-support signalwire-sandbox \
  2>/dev/null || find bench shared-model service-kit-core service-kit test-support signalwire-sandbox pom.xml -type f -not -path '*/target/*' -print0) \
  | sort -z | xargs -0 sha1sum 2>/dev/null | sha1sum | cut -c1-40)
if [ ! -d bench/target/lib ] || [ ! -f bench/target/bench-1.0.0-SNAPSHOT.jar ] \
   || [ "$hash" != "$(cat bench/target/.source-hash 2>/dev/null)" ]; then
  echo "building the bench (its sources changed since the last build)"
  ./mvnw -q -B -pl bench -am package -DskipTests
  echo "$hash" > bench/target/.source-hash
fi
if [ "${1:-}" = scale ]; then
  ./stack up --detach --replicas 2 --no-build
fi
# BENCH_OPTS passes system properties, e.g. BENCH_OPTS="-Dbench.rates=20,100 -Dbench.seconds=20" ops/bench.sh e2e
exec java -Xmx2g ${BENCH_OPTS:-} -Dstack.root="$ROOT" -cp "bench/target/bench-1.0.0-SNAPSHOT.jar:bench/target/lib/*" ai.galaxyco.phone.bench.Benchmarks "$@"
