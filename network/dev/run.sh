#!/usr/bin/env bash
# `make run`: builds the dev network and the chaincode servers, generates crypto on first use, starts the
# chaincode servers (CCaaS) and the dev network on 127.0.0.1, writes .run/network.json, prints where everything
# listens, and stays in the foreground; Ctrl-C or TERM stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
# RUN_DIR moves the run state (default .run/); CONFIGURATION=Debug runs the Debug build (the tests' own).
RUN="${RUN_DIR:-$ROOT/.run}"
CONFIGURATION="${CONFIGURATION:-Release}"
SHOWN="${RUN#"$ROOT"/}" # how messages name it
CONFIG="${DEVNET_CONFIG:-$ROOT/network/dev/devnet.json}"
DOTNET="${DOTNET:-dotnet}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

mkdir -p "$RUN/logs"
# Every process started here, by service name: its pid, the command that starts it again, and how often it has.
declare -A svc_pid=() svc_start=() svc_restarts=()
essential=()   # services whose end ends the run (the dev network, the example chaincode)
stopping=0
stop() {
  # A second INT/TERM (make forwards the one the process group already got) must not cut this short: ignore them.
  trap '' INT TERM HUP PIPE
  [ "$stopping" = 1 ] && return
  stopping=1
  set +e # nothing may cut the clean-up short, not even a closed output
  if [ ${#svc_pid[@]} -gt 0 ]; then
    echo "stopping: ${!svc_pid[*]}"
    # The APIs first, so they do not see their peers go away under them; then the network and the chaincodes.
    local first=() rest=() name
    for name in "${!svc_pid[@]}"; do
      if [[ $name == api-* ]]; then first+=("${svc_pid[$name]}"); else rest+=("${svc_pid[$name]}"); fi
    done
    for group in first rest; do
      local -n pids_of="$group"
      for pid in "${pids_of[@]}"; do kill -TERM "$pid" 2>/dev/null; done
      for pid in "${pids_of[@]}"; do wait "$pid" 2>/dev/null; done
    done
  fi
  # .run/network.json describes the running network: once it is stopped, clients must not find it.
  if [ -f "$RUN/network.json" ] && grep -q '"kind": "dev"' "$RUN/network.json"; then rm -f "$RUN/network.json"; fi
}
# Ctrl-C or TERM is how a run is meant to end: stop everything and exit 0 (make then reports no error). A closed
# terminal (HUP) or output pipe (PIPE) stops everything too.
trap 'stop; exit 0' INT TERM HUP PIPE
trap stop EXIT

# One build of everything make run starts (network/dev/run.slnf), with a line of progress every 15 s: the first
# build on a fresh clone restores packages and compiles every project (minutes on 2 cores); later ones take seconds.
build_started=$(date +%s)
echo "building ($CONFIGURATION: dev network, chaincodes, REST API, CLI; the first build takes a few minutes)..."
"$DOTNET" build network/dev/run.slnf -c "$CONFIGURATION" -v quiet -nologo >"$RUN/logs/build.log" 2>&1 &
build_pid=$!
svc_pid[build]=$build_pid
while kill -0 "$build_pid" 2>/dev/null; do
  for _ in $(seq 1 15); do kill -0 "$build_pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$build_pid" 2>/dev/null; then
    echo "  still building, $(( $(date +%s) - build_started )) s (log $SHOWN/logs/build.log)"
  fi
done
build_status=0
wait "$build_pid" || build_status=$?
unset 'svc_pid[build]'
if [ "$build_status" != 0 ]; then
  grep -E "error|Error" "$RUN/logs/build.log" | head -40
  echo "the build failed; see $SHOWN/logs/build.log"
  exit 1
fi
echo "built in $(( $(date +%s) - build_started )) s"

started=$(date +%s%N)
DEVNET_DLL="network/Restcomm.DevNetwork/bin/$CONFIGURATION/net10.0/Restcomm.DevNetwork.dll"
DEVNET_ARGS=(--config "$CONFIG" --crypto "$RUN/crypto" --data "$RUN/devnet" --network-json "$RUN/network.json")

# Crypto material is generated once and kept (clients keep working across restarts). `--chaincode-env NAME` does
# that, issues the chaincode's TLS server certificate on first use (from the dev network's chaincode TLS CA, under
# .run/crypto/peerOrganizations/chaincode.example.com) and prints the shim's TLS variables devnet.json asks for:
# CORE_PEER_TLS_ENABLED, CORE_TLS_CLIENT_CERT_FILE/KEY_FILE and, for mutual TLS, CORE_PEER_TLS_ROOTCERT_FILE.
start_chaincode() { # name address dll [essential]
  local name=$1 address=$2 dll=$3 tls_env
  tls_env=$("$DOTNET" "$DEVNET_DLL" "${DEVNET_ARGS[@]}" --chaincode-env "$name") || exit 1
  mapfile -t tls_env <<<"$tls_env"
  env "${tls_env[@]}" CHAINCODE_SERVER_ADDRESS="$address" CORE_CHAINCODE_ID_NAME="$name:1.0" \
    "$DOTNET" "$dll" >>"$RUN/logs/chaincode-$name.log" 2>&1 &
  svc_pid["chaincode-$name"]=$!
  svc_start["chaincode-$name"]="start_chaincode $name $address $dll ${4:-}"
  if [ "${4:-}" = essential ]; then essential+=("chaincode-$name"); fi
  [ "${svc_restarts["chaincode-$name"]:-0}" = 0 ] || return 0
  local link="plaintext"
  if printf '%s\n' "${tls_env[@]}" | grep -qx 'CORE_PEER_TLS_ENABLED=true'; then
    link="TLS"
    if printf '%s\n' "${tls_env[@]}" | grep -q '^CORE_PEER_TLS_ROOTCERT_FILE='; then link="mutual TLS"; fi
  fi
  echo "chaincode $name: $address, $link (log $SHOWN/logs/chaincode-$name.log)"
}
address_of() { # chaincode name -> its address in the configuration
  sed -n "s/.*\"name\": *\"$1\", *\"address\": *\"\([^\"]*\)\".*/\1/p" "$CONFIG" | head -1
}

for name in example eir roaming numbers audit; do : >"$RUN/logs/chaincode-$name.log"; done
start_chaincode example "$(address_of example)" chaincode/Restcomm.Chaincode.Example/bin/$CONFIGURATION/net10.0/Restcomm.Chaincode.Example.dll essential
if [ -n "$(address_of eir)" ]; then
  # Writes need the eir.reporter certificate attribute, which devnet.json's operator users carry (as a Fabric CA
  # enrollment would); EIR_WRITER_ATTRIBUTE= (empty) turns the check off.
  # Delegates must be members of the eir channel (devnet.json); the chaincode cannot read the channel configuration.
  EIR_WRITER_ATTRIBUTE="${EIR_WRITER_ATTRIBUTE-eir.reporter}" EIR_MEMBER_MSPS="${EIR_MEMBER_MSPS-Org1MSP,Org2MSP,Org3MSP}" \
    start_chaincode eir "$(address_of eir)" chaincode/Restcomm.Chaincode.Eir/bin/$CONFIGURATION/net10.0/Restcomm.Chaincode.Eir.dll
fi
if [ -n "$(address_of roaming)" ]; then
  # Roles come from the roaming.submitter / roaming.approver certificate attributes devnet.json's operator users carry.
  # The settlement contract (RCB) needs each roaming channel's members: governance majority, account holders, jurors
  # (exported, so a restarted roaming server gets them too); a dispute's vote windows may be as short as a minute here.
  export SETTLEMENT_MEMBER_MSPS="${SETTLEMENT_MEMBER_MSPS-roaming-emea=Org1MSP,Org2MSP,Org3MSP;roaming-apac=Org2MSP,Org3MSP}" SETTLEMENT_MIN_VOTE_SECONDS="${SETTLEMENT_MIN_VOTE_SECONDS-60}"
  start_chaincode roaming "$(address_of roaming)" chaincode/Restcomm.Chaincode.Roaming/bin/$CONFIGURATION/net10.0/Restcomm.Chaincode.Roaming.dll
fi
if [ -n "$(address_of numbers)" ]; then
  # NUMBERS_PORT_WINDOW (default one day) is how long a donor has to answer a port before it activates at its due time.
  start_chaincode numbers "$(address_of numbers)" chaincode/Restcomm.Chaincode.Numbers/bin/$CONFIGURATION/net10.0/Restcomm.Chaincode.Numbers.dll
fi
if [ -n "$(address_of peering)" ]; then
  : >"$RUN/logs/chaincode-peering.log"
  # Interconnection details under time-limited grants. PEERING_REQUIRE_KYC=true (with PEERING_KYC_ATTESTERS) makes a
  # KYC attestation of the buyer a condition of approval.
  start_chaincode peering "$(address_of peering)" chaincode/Restcomm.Chaincode.Peering/bin/$CONFIGURATION/net10.0/Restcomm.Chaincode.Peering.dll
fi

if [ -n "$(address_of audit)" ]; then
  # Anchors of the operators' changes; AUDIT_READONLY_MSPS (default RegulatorMSP) may read but never anchor.
  start_chaincode audit "$(address_of audit)" chaincode/Restcomm.Chaincode.Audit/bin/$CONFIGURATION/net10.0/Restcomm.Chaincode.Audit.dll
fi

rm -f "$RUN/network.json"
# A 128 MiB generation-0 budget (the runtime reads it from the environment only): with hundreds of transactions in
# flight, the default budget collected so often that GC pauses took ~28 % of the dev network's time
# (benchmarks/RESULTS.md, "GC budget"). DEVNET_GC_GEN0_SIZE overrides it (hex bytes; empty keeps the runtime's default).
DOTNET_GCgen0size=${DEVNET_GC_GEN0_SIZE-0x8000000} \
  "$DOTNET" "$DEVNET_DLL" "${DEVNET_ARGS[@]}" > >(tee "$RUN/logs/devnet.log") 2>&1 &
svc_pid[devnet]=$!
essential+=(devnet)

for _ in $(seq 1 300); do
  [ -s "$RUN/network.json" ] && break
  sleep 0.1
done
[ -s "$RUN/network.json" ] || { echo "the dev network did not start; see $SHOWN/logs/devnet.log"; exit 1; }
# One REST API per operator organisation, each with its own store under .run/api/<org>/ and a key with
# every scope (rotated on each start) written to .run/api-keys.json.
API_DLL="gateway/Restcomm.Gateway.Api/bin/$CONFIGURATION/net10.0/Restcomm.Gateway.Api.dll"
CLI_DLL="gateway/Restcomm.Cli/bin/$CONFIGURATION/net10.0/restcomm.dll"
read -r -a api_ports <<<"${API_PORTS:-8080 8081 8082 8083}"
API_ORGS=(Org1MSP:${api_ports[0]} Org2MSP:${api_ports[1]} Org3MSP:${api_ports[2]})
# The regulator's API (read routes only, its dashboard at /dashboard) when a fourth port is given.
if [ -n "${api_ports[3]:-}" ]; then API_ORGS+=(RegulatorMSP:${api_ports[3]}); fi
# Scopes of each organisation's make-run key: a read-only organisation gets every read scope, never a write one.
scopes_of() { if [ "$1" = RegulatorMSP ]; then echo audit:read,eir:read,numbers:read,roaming:read,ledger:read; else echo all; fi; }
json_field() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -1; }
start_api() { # org port dir
  # Webhook receivers on this machine (127.0.0.1) are allowed here, as a developer's own receiver is.
  "$DOTNET" "$API_DLL" --urls "http://127.0.0.1:$2" --Gateway:MspId "$1" --Gateway:DataDirectory "$3" \
    --Fabric:NetworkFile "$RUN/network.json" --Webhooks:AllowLoopback true >>"$RUN/logs/api-$1.log" 2>&1 &
  svc_pid["api-$1"]=$!
  svc_start["api-$1"]="start_api $1 $2 $3"
}
keys_json="{"
add_api() { # org port: a key with the org's scopes in its own store, then the API
  local org=$1 port=$2 dir created key id
  dir="$RUN/api/$(echo "$org" | tr '[:upper:]' '[:lower:]')"
  mkdir -p "$dir"
  created=$("$DOTNET" "$CLI_DLL" keys create --org "$org" --scopes "$(scopes_of "$org")" --name make-run --rotate --store "$dir/gateway.db" --json)
  key=$(printf '%s\n' "$created" | json_field key)
  id=$(printf '%s\n' "$created" | json_field id)
  keys_json+=$'\n'"  \"$org\": { \"url\": \"http://127.0.0.1:$port\", \"keyId\": \"$id\", \"key\": \"$key\" },"
  printf '%s\n}\n' "${keys_json%,}" >"$RUN/api-keys.json"
  chmod 600 "$RUN/api-keys.json"
  : >"$RUN/logs/api-$org.log"
  start_api "$org" "$port" "$dir"
}
for entry in "${API_ORGS[@]}"; do
  add_api "${entry%%:*}" "${entry##*:}"
done
# Operators on no channel at start (Org4MSP, devnet.json): their API starts once network.json lists them as a channel
# member, i.e. right after 'restcomm consortium add-member' commits the config block (the fifth API port, default 8084).
LATE_APIS=(Org4MSP:${api_ports[4]:-8084})
late_member() { grep -Eq "^ *\"$1\",? *\$" "$RUN/network.json" 2>/dev/null; }

api_ready() { # port -> 0 once /readyz answers 200
  if command -v curl >/dev/null; then curl -sf -o /dev/null "http://127.0.0.1:$1/readyz"; else (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; fi
}
for entry in "${API_ORGS[@]}"; do
  port=${entry##*:}
  for _ in $(seq 1 300); do api_ready "$port" && break; sleep 0.1; done
  api_ready "$port" || echo "warning: the API on :$port is not ready yet; see $SHOWN/logs/api-${entry%%:*}.log"
done

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo
for entry in "${API_ORGS[@]}"; do
  echo "REST API ${entry%%:*}: http://127.0.0.1:${entry##*:}  (reference: http://127.0.0.1:${entry##*:}/docs, log $SHOWN/logs/api-${entry%%:*}.log)"
done
if [ -n "${api_ports[3]:-}" ]; then echo "regulator dashboard: http://127.0.0.1:${api_ports[3]}/dashboard (sign in with the RegulatorMSP key)"; fi
echo "API keys with every scope (the regulator's: every read scope): $SHOWN/api-keys.json, e.g."
echo "  curl -H \"Authorization: Bearer \$(sed -n 's/.*\"Org1MSP\".*\"key\": \"\([^\"]*\)\".*/\1/p' $SHOWN/api-keys.json)\" http://127.0.0.1:${api_ports[0]}/v1/me"
echo
echo "ready in ${elapsed_ms} ms. Clients read $SHOWN/network.json; Ctrl-C stops everything."

# Supervise: the dev network and the example chaincode are essential (their end ends the run); an API or another
# chaincode server that exits is started again, up to 5 times, each restart said here and in its log.
while true; do
  for entry in "${LATE_APIS[@]}"; do
    org=${entry%%:*} port=${entry##*:}
    if [ -z "${svc_pid[api-$org]:-}" ] && [ -z "${svc_restarts[api-$org]:-}" ] && late_member "$org"; then
      add_api "$org" "$port"
      svc_restarts[api-$org]=0
      echo "$org joined a channel: its REST API starts on http://127.0.0.1:$port (key in $SHOWN/api-keys.json, log $SHOWN/logs/api-$org.log)"
    fi
  done
  for name in "${!svc_pid[@]}"; do
    pid=${svc_pid[$name]}
    kill -0 "$pid" 2>/dev/null && continue
    code=0
    wait "$pid" 2>/dev/null || code=$?
    for e in "${essential[@]}"; do
      if [ "$e" = "$name" ]; then
        echo "$name exited (code $code); stopping the rest"
        exit 1
      fi
    done
    restarts=$(( ${svc_restarts[$name]:-0} + 1 ))
    svc_restarts[$name]=$restarts
    if [ "$restarts" -gt 5 ]; then
      echo "$name exited (code $code) for the 6th time; not restarting it (see $SHOWN/logs/$name.log)"
      unset "svc_pid[$name]"
      continue
    fi
    echo "$name exited (code $code); restarting it ($restarts of 5; log $SHOWN/logs/$name.log)"
    ${svc_start[$name]}
  done
  sleep 1 &
  wait $! || true
done
