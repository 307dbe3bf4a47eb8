#!/usr/bin/env bash
# The seed's test procedure against a running local stack (./stack up), step by step:
# a Pro workspace is created in Clerk -> it gets its own number -> an SMS sent from the Conversations page
# leaves from that number -> the customer's reply lands in the same conversation -> the message reads DELIVERED.
# Then a Starter workspace on the shared number, a call, a forwarded call nobody answers that becomes a voicemail
# the workspace plays and reads, a downgrade releasing the number, and an Enterprise
# workspace with a Sales number whose inbox and replies are its own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$ROOT/.stack/env" ] || { echo "The stack is not running: start it with ./stack up --detach"; exit 1; }
# shellcheck disable=SC1091
. "$ROOT/.stack/env"
case "$SIGNALWIRE_SPACE_URL" in http://127.0.0.1*) ;; *) echo "The demo drives the sandbox; this stack uses real SignalWire."; exit 1 ;; esac

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '   \033[32m✔\033[0m %s\n' "$*"; }
fail() { printf '   \033[31m✘ %s\033[0m\n' "$*"; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }
wait_for() { # wait_for <seconds> <command...>: retries until the command prints something non-empty
  local deadline=$((SECONDS + $1)) out; shift
  while [ "$SECONDS" -lt "$deadline" ]; do
    out=$("$@" 2>/dev/null || true)
    if [ -n "$out" ] && [ "$out" != "None" ]; then echo "$out"; return 0; fi
    sleep 0.5
  done
  return 1
}

clerk() { # clerk <type> <orgId> <plan>: a signed Clerk (Svix) webhook, exactly as Clerk would send it
  local id="msg_$(date +%s%N)" ts body key sig
  ts=$(date +%s)
  body=$(printf '{"object":"event","type":"%s","timestamp":%s000,"data":{"object":"organization","id":"%s","name":"Demo %s","slug":"demo","public_metadata":{"plan":"%s"},"created_at":%s000,"updated_at":%s}}' \
    "$1" "$ts" "$2" "$2" "$3" "$ts" "$(date +%s%3N)")
  key=$(printf '%s' "${CLERK_WEBHOOK_SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \n')
  sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | base64)
  curl -s -o /dev/null -w '%{http_code}' -X POST "$GATEWAY_URL/api/webhooks/clerk" -H 'Content-Type: application/json' \
    -H "svix-id: $id" -H "svix-timestamp: $ts" -H "svix-signature: v1,$sig" --data "$body"
}

numbers() { curl -sf -H "Authorization: Bearer $("$ROOT/stack" token "$1")" "$PROVISIONING_URL/api/workspaces/$1/phone-numbers"; }

PRO="org_demo_pro_$(date +%s)"
STARTER="org_demo_starter_$(date +%s)"
CUSTOMER="+14155550123"

step "1. A Pro workspace is created in Clerk ($PRO)"
code=$(clerk organization.created "$PRO" pro)
[ "$code" = 204 ] && ok "Clerk webhook verified and accepted (HTTP $code)" || fail "gateway answered $code"

step "2. It gets its own SignalWire number, automatically"
NUMBER=$(wait_for 30 sh -c "curl -sf -H 'Authorization: Bearer $("$ROOT/stack" token "$PRO")' $PROVISIONING_URL/api/workspaces/$PRO/phone-numbers | python3 -c \"import json,sys; d=[n for n in json.load(sys.stdin)['items'] if n['dedicated'] and n['status']=='ACTIVE']; print(d[0]['phoneNumber'] if d else '')\"") \
  || fail "no number after 30 s: $(numbers "$PRO")"
ok "provisioned $NUMBER (tagged galaxyco:$PRO at SignalWire, webhooks pointing at $NEXT_PUBLIC_APP_URL)"

step "3. An SMS sent from the Conversations page leaves from that number"
TOKEN=$("$ROOT/stack" token "$PRO")
SENT=$(wait_for 20 curl -sf -X POST "$OUTBOUND_URL/api/workspaces/$PRO/messages" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"to\":\"$CUSTOMER\",\"body\":\"Hi! Your order has shipped.\"}") || fail "send refused"
MESSAGE_ID=$(echo "$SENT" | json "d['id']")
FROM=$(echo "$SENT" | json "d['from']")
[ "$FROM" = "$NUMBER" ] && ok "accepted (202), from $FROM to $CUSTOMER, id $MESSAGE_ID" || fail "sent from $FROM, expected $NUMBER"
HELD=$(echo "$SENT" | json "d.get('reason') or 'none'")
[ "$HELD" = awaiting_registration ] && ok "held while the number's 10DLC campaign registration completes (reason $HELD)"

step "3b. The number is registered in its 10DLC campaign and may send"
MESSAGING=$(wait_for 30 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' $PROVISIONING_URL/api/workspaces/$PRO/phone-numbers | python3 -c \"import json,sys; d=[n for n in json.load(sys.stdin)['items'] if n['phoneNumber']=='$NUMBER' and (n.get('messaging') or {}).get('state') in ('SENDABLE','UNREGISTERED')]; print(d[0]['messaging']['state'] if d else '')\"") \
  || fail "not registered after 30 s: $(numbers "$PRO")"
[ "$MESSAGING" = SENDABLE ] && ok "messaging state SENDABLE: the campaign accepted the number; the held message leaves now" \
  || ok "messaging state $MESSAGING: no campaign is configured, so the number sends as is"

step "4. The customer sees the workspace's number, and the message is delivered"
STATUS=$(wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' $OUTBOUND_URL/api/workspaces/$PRO/messages/$MESSAGE_ID | python3 -c \"import json,sys; d=json.load(sys.stdin); print(d['status'] if d['status']=='DELIVERED' else '')\"") \
  || fail "not delivered"
ok "status $STATUS (SignalWire's signed status callbacks went through the gateway)"

step "5. The customer replies; the reply lands in the same conversation, in order"
curl -sf -X POST "$SIGNALWIRE_SPACE_URL/sandbox/inbound-sms" -H 'Content-Type: application/json' \
  -d "{\"from\":\"$CUSTOMER\",\"to\":\"$NUMBER\",\"body\":\"Thanks, when will it arrive?\"}" >/dev/null
THREAD=$(wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' $ROUTING_URL/api/workspaces/$PRO/conversations | python3 -c \"import json,sys; d=json.load(sys.stdin)['items']; print(d[0]['id'] if d else '')\"") \
  || fail "no conversation"
ORDER=$(wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' $ROUTING_URL/api/workspaces/$PRO/conversations/$THREAD/messages | python3 -c \"import json,sys; d=json.load(sys.stdin)['items']; print(' -> '.join(m['direction'] for m in d) if len(d)>=2 else '')\"") \
  || fail "the reply did not arrive"
ok "conversation $THREAD: $ORDER"

step "6. A Starter workspace uses the shared number; a reply goes to whoever wrote last"
clerk organization.created "$STARTER" starter >/dev/null
STARTER_TOKEN=$("$ROOT/stack" token "$STARTER")
SHARED_SENT=$(wait_for 20 curl -sf -X POST "$OUTBOUND_URL/api/workspaces/$STARTER/messages" -H "Authorization: Bearer $STARTER_TOKEN" \
  -H 'Content-Type: application/json' -d "{\"to\":\"+14155550124\",\"body\":\"Hello from a Starter workspace\"}") || fail "send refused"
ok "sent from the shared number $(echo "$SHARED_SENT" | json "d['from']")"
SHARED_ID=$(echo "$SHARED_SENT" | json "d['id']")
# replies are attributed only once the carrier accepted the message
wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $STARTER_TOKEN' $OUTBOUND_URL/api/workspaces/$STARTER/messages/$SHARED_ID | python3 -c \"import json,sys; print('y' if json.load(sys.stdin)['status'] in ('SENT','DELIVERED') else '')\"" >/dev/null \
  || fail "the carrier did not accept the Starter workspace's message"
curl -sf -X POST "$SIGNALWIRE_SPACE_URL/sandbox/inbound-sms" -H 'Content-Type: application/json' \
  -d "{\"from\":\"+14155550124\",\"to\":\"$SIGNALWIRE_PHONE_NUMBER\",\"body\":\"Got it\"}" >/dev/null
wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $STARTER_TOKEN' $ROUTING_URL/api/workspaces/$STARTER/conversations | python3 -c \"import json,sys; d=json.load(sys.stdin)['items']; print('y' if d else '')\"" >/dev/null \
  || fail "reply to the shared number was not attributed"
ok "the reply to the shared number reached $STARTER"

step "7. Someone calls the Pro number"
CXML=$(curl -sf -X POST "$SIGNALWIRE_SPACE_URL/sandbox/inbound-call" -H 'Content-Type: application/json' \
  -d "{\"from\":\"$CUSTOMER\",\"to\":\"$NUMBER\",\"durationSeconds\":95}" | json "d['cxml']")
echo "$CXML" | grep -q "<Record" && ok "answered with voicemail cXML: $(echo "$CXML" | cut -c1-90)..." || fail "unexpected answer: $CXML"

step "7b. The owner forwards calls; nobody answers the forward, the caller leaves a voicemail; the workspace plays it and reads its transcript"
curl -sf -X PATCH "$PROVISIONING_URL/api/workspaces/$PRO/phone-numbers/$NUMBER" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"forwardTo":"+12125550100","voicemailGreeting":"You have reached the demo. Leave a message."}' >/dev/null \
  || fail "forwarding and greeting refused"
CALL=$(wait_for 20 sh -c "curl -sf -X POST '$SIGNALWIRE_SPACE_URL/sandbox/inbound-call' -H 'Content-Type: application/json' \
  -d '{\"from\":\"$CUSTOMER\",\"to\":\"$NUMBER\",\"forwardAnswer\":\"no-answer\",\"voicemailSeconds\":9,\"transcript\":\"Hi, this is Sam. Please call me back about the order.\",\"durationSeconds\":38}' \
  | python3 -c \"import json,sys; d=json.load(sys.stdin); print(d['callSid'] if '<Dial' in d['cxml'] and d['followUps'] and 'the demo' in d['followUps'][0] else '')\"") \
  || fail "the forward did not fall back to the greeting and voicemail"
ok "rang +12125550100 for ${FORWARD_RING_SECONDS:-25} s (no answer), then the greeting and the tone (call $CALL)"
VOICEMAIL=$(wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' '$ROUTING_URL/api/workspaces/$PRO/calls?outcome=VOICEMAIL' | python3 -c \"import json,sys; d=[c for c in json.load(sys.stdin)['items'] if c['callSid']=='$CALL' and c['voicemail'] and c['voicemail']['transcript'] and c['status']=='completed']; print(json.dumps(d[0]) if d else '')\"") \
  || fail "the voicemail is not in the call log"
CALL_ID=$(echo "$VOICEMAIL" | json "d['id']")
ok "call log: $(echo "$VOICEMAIL" | json "f\"{d['outcome']} from {d['from']}, {d['durationSeconds']} s, unread {d['unread']}; transcript: {d['voicemail']['transcript']}\"")"
TYPE=$(curl -sf -o /dev/null -w '%{content_type} %{size_download}' -H "Authorization: Bearer $TOKEN" "$ROUTING_URL/api/workspaces/$PRO/calls/$CALL_ID/recording") \
  || fail "the recording does not play"
ok "the recording streams through the API ($TYPE bytes), fetched from SignalWire with the project's credentials"
curl -sf -X POST -H "Authorization: Bearer $TOKEN" "$ROUTING_URL/api/workspaces/$PRO/calls/$CALL_ID/heard" | json "d['voicemail']['heard']" | grep -q True \
  && ok "marked heard (the console's Calls tab: $CONSOLE_URL/w/$PRO/calls)" || fail "could not mark it heard"

step "8. The Pro workspace downgrades to Starter: its number is released after the grace period"
clerk organization.updated "$PRO" starter >/dev/null
RELEASED=$(wait_for 90 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' $PROVISIONING_URL/api/workspaces/$PRO/phone-numbers | python3 -c \"import json,sys; d=[n for n in json.load(sys.stdin)['items'] if n['phoneNumber']=='$NUMBER']; print(d[0]['status'] if d and d[0]['status']=='RELEASED' else '')\"") \
  || fail "not released: $(numbers "$PRO")"
ok "number $NUMBER $RELEASED; the workspace is back on the shared number"

step "9. An Enterprise workspace adds a Sales number; an SMS to it lands in the Sales inbox, the reply leaves from it"
ENT="org_demo_ent_$(date +%s)"
ENT_TOKEN=$("$ROOT/stack" token "$ENT")
clerk organization.created "$ENT" enterprise >/dev/null
wait_for 30 sh -c "curl -sf -H 'Authorization: Bearer $ENT_TOKEN' $PROVISIONING_URL/api/workspaces/$ENT/phone-numbers | python3 -c \"import json,sys; print('y' if any(n['status']=='ACTIVE' and n['dedicated'] for n in json.load(sys.stdin)['items']) else '')\"" >/dev/null \
  || fail "no Main number: $(numbers "$ENT")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ENT_TOKEN" -H 'Content-Type: application/json' \
  "$PROVISIONING_URL/api/workspaces/$ENT/phone-numbers" -d '{"label":"Sales","areaCode":"212"}')
[ "$code" = 202 ] || fail "adding a Sales number answered $code"
SALES=$(wait_for 30 sh -c "curl -sf -H 'Authorization: Bearer $ENT_TOKEN' $PROVISIONING_URL/api/workspaces/$ENT/phone-numbers | python3 -c \"import json,sys; d=[n for n in json.load(sys.stdin)['items'] if n['label']=='Sales' and n['status']=='ACTIVE']; print(d[0]['phoneNumber'] if d else '')\"") \
  || fail "no Sales number: $(numbers "$ENT")"
ok "Sales number $SALES bought beside Main"
# outbound learns whom the customer wrote to from routing's routed-messages (within a second or so): the count of
# routed messages it has processed (counted after its transaction committed) tells the demo when it knows
# (summed over every outbound instance: with ./stack up --replicas 2 either may own the partition)
routed_read() {
  local url total=0 n
  for url in ${OUTBOUND_MANAGEMENT_URLS:-$OUTBOUND_MANAGEMENT_URL}; do
    n=$(curl -sf "$url/q/metrics" | awk '/^events_consumed_total\{consumer="outbound.routed",outcome="processed"\}/ {print $2}' | head -1)
    total=$(python3 -c "print(${total} + ${n:-0})")
  done
  echo "$total"
}
READ_BEFORE=$(routed_read || echo 0)
curl -sf -X POST "$SIGNALWIRE_SPACE_URL/sandbox/inbound-sms" -H 'Content-Type: application/json' \
  -d "{\"from\":\"+14155550125\",\"to\":\"$SALES\",\"body\":\"Do you ship to Canada?\"}" >/dev/null
wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $ENT_TOKEN' '$ROUTING_URL/api/workspaces/$ENT/conversations?inbox=Sales' | python3 -c \"import json,sys; print('y' if json.load(sys.stdin)['items'] else '')\"" >/dev/null \
  || fail "the SMS did not reach the Sales inbox"
ok "the SMS to $SALES is in the Sales inbox"
deadline=$((SECONDS + 20))
until [ "$(routed_read || true)" != "$READ_BEFORE" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "outbound did not read the routed message"
  sleep 0.5
done
FROM=$(wait_for 20 sh -c "curl -sf -X POST -H 'Authorization: Bearer $ENT_TOKEN' -H 'Content-Type: application/json' $OUTBOUND_URL/api/workspaces/$ENT/messages -d '{\"to\":\"+14155550125\",\"body\":\"Yes, we do\"}' | python3 -c \"import json,sys; print(json.load(sys.stdin)['from'])\"") \
  || fail "the reply was refused"
[ "$FROM" = "$SALES" ] && ok "the reply leaves from the number the customer wrote to ($FROM)" || fail "the reply left from $FROM, not $SALES"

step "10. The usage ledger counts what the Pro workspace did today (analytics)"
TODAY=$(date -u +%F)
TOMORROW=$(date -u -d tomorrow +%F 2>/dev/null || python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=1))')
USAGE=$(wait_for 20 sh -c "curl -sf -H 'Authorization: Bearer $TOKEN' '$ANALYTICS_URL/api/workspaces/$PRO/usage?from=$TODAY&to=$TOMORROW' | python3 -c \"import json,sys; t=json.load(sys.stdin)['totals']; print(json.dumps(t) if t['messagesOutbound'] >= 1 and t['messagesInbound'] >= 1 and t['calls'] >= 1 else '')\"") \
  || fail "the ledger does not show the Pro workspace's messages and its call"
ok "$(echo "$USAGE" | json "f\"{d['messagesOutbound']} sent ({d['segmentsOutbound']} segments), {d['messagesInbound']} received, {d['calls']} call(s), {d['callSeconds']} s; cost \${d['cost']} (by channel {d['costByChannel']})\"")"
ok "in the console: $CONSOLE_URL/w/$PRO/usage (sign in as $PRO)"

printf '\n\033[1mDemo complete.\033[0m\n'
