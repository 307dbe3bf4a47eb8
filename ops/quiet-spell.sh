#!/usr/bin/env bash
# Issue 17's scripted run against a running local stack: provider calls after quiet spells longer than the
# sandbox's 30 s idle timeout. Creates a Pro workspace and sends an SMS after each of two quiet minutes, then counts
# failed SignalWire calls (logs and signalwire_call_failures_total) and stale-connection repeats.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
. "$ROOT/.stack/env"
QUIET="${QUIET_SECONDS:-70}"

clerk() { # clerk <orgId>: a signed organization.created (Pro)
  local id="msg_$(date +%s%N)" ts body key sig
  ts=$(date +%s)
  body=$(printf '{"object":"event","type":"organization.created","timestamp":%s000,"data":{"object":"organization","id":"%s","name":"Quiet","slug":"quiet","public_metadata":{"plan":"pro"},"created_at":%s000,"updated_at":%s}}' \
    "$ts" "$1" "$ts" "$(date +%s%3N)")
  key=$(printf '%s' "${CLERK_WEBHOOK_SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
  sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
  curl -s -o /dev/null -X POST "$GATEWAY_URL/api/webhooks/clerk" -H 'Content-Type: application/json' \
    -H "svix-id: $id" -H "svix-timestamp: $ts" -H "svix-signature: v1,$sig" --data "$body"
}

for round in 1 2; do
  echo "quiet for ${QUIET}s..."
  sleep "$QUIET"
  org="org_quiet_${round}_$(date +%s)"
  clerk "$org"
  for _ in $(seq 1 120); do
    status=$(curl -s -H "Authorization: Bearer $("$ROOT/stack" token "$org")" "$PROVISIONING_URL/api/workspaces/$org/numbers" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status",""))' 2>/dev/null || true)
    [ "$status" = ACTIVE ] && break
    sleep 0.5
  done
  echo "round $round: $org is $status"
  sleep "$QUIET"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$OUTBOUND_URL/api/workspaces/$org/messages" \
    -H "Authorization: Bearer $("$ROOT/stack" token "$org")" -H 'Content-Type: application/json' \
    -d '{"to":"+14155550100","body":"after a quiet minute"}')
  echo "round $round: send answered $code"
done
sleep 3
echo "log lines with 'unexpected end of stream': provisioning $(grep -c 'unexpected end of stream' "$ROOT/.stack/logs/provisioning-service.log" || true), outbound $(grep -c 'unexpected end of stream' "$ROOT/.stack/logs/outbound-service.log" || true)"
echo "failed purchase/reconciliation log lines: $(grep -c 'Purchase for .* failed\|Reconciliation failed' "$ROOT/.stack/logs/provisioning-service.log" || true); failed sends: $(grep -c 'Send of .* failed' "$ROOT/.stack/logs/outbound-service.log" || true)"
for url in "$PROVISIONING_MANAGEMENT_URL" "$OUTBOUND_MANAGEMENT_URL"; do
  echo "$url: $(curl -s "$url/q/metrics" | grep -E '^signalwire_call_(failures|retries)_total' | tr '\n' ' ')"
done
