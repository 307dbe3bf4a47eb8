#!/usr/bin/env bash
# The rule ./stack up follows before it starts anything (issue 21), checked in a temporary clone with a stand-in for
# Maven that records its calls: jars missing -> build; nothing changed -> no Maven run; a source edited -> rebuild.
# Run by StackBuildE2ETest (./mvnw verify), or by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fail() { echo "stack build check FAILED: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$ROOT" "$tmp/repo"
cp "$ROOT/stack" "$tmp/repo/stack" # the script as it is in this tree, committed or not
cat > "$tmp/fake-mvn" <<'MVN'
#!/usr/bin/env bash
echo "$*" >> "$FAKE_MVN_LOG"
for s in webhook-gateway provisioning-service routing-service outbound-service analytics-service console; do
  mkdir -p "$s/target/quarkus-app" && touch "$s/target/quarkus-app/quarkus-run.jar"
done
mkdir -p signalwire-sandbox/target && touch signalwire-sandbox/target/signalwire-sandbox-1.0.0-SNAPSHOT.jar
MVN
chmod +x "$tmp/fake-mvn"
export STACK_MVN="$tmp/fake-mvn" FAKE_MVN_LOG="$tmp/calls"
touch "$tmp/calls"
calls() { wc -l < "$tmp/calls" | tr -d ' '; }
cd "$tmp/repo"

./stack build-check > /dev/null
[ "$(calls)" = 1 ] || fail "a fresh clone (no jars) was not built"
./stack build-check > /dev/null
[ "$(calls)" = 1 ] || fail "an unchanged tree ran Maven"
echo "// an edit after the last build" >> outbound-service/src/main/java/ai/galaxyco/phone/outbound/domain/Dispatcher.java
./stack build-check > /dev/null
[ "$(calls)" = 2 ] || fail "an edited source did not cause a rebuild"
./stack build-check > /dev/null
[ "$(calls)" = 2 ] || fail "the rebuilt tree ran Maven again"
git -c user.email=t@t -c user.name=t commit -qam "a pulled change"
touch shared-model/src/main/java/ai/galaxyco/phone/model/NewContract.java
./stack build-check > /dev/null
[ "$(calls)" = 3 ] || fail "a new file in a module the services use did not cause a rebuild"
grep -q . .stack/build.commit || fail "the build's commit was not recorded"
echo "stack build check: ok ($(calls) Maven runs for 5 checks)"
