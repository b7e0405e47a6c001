#!/usr/bin/env bash
# `make run`: builds the dev network and the chaincode servers, generates crypto on first use, starts the
# chaincode servers (CCaaS) and the dev network on 127.0.0.1, writes .run/network.json, prints where everything
# listens, and stays in the foreground; Ctrl-C or TERM stops every process it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
RUN="$ROOT/.run"
CONFIG="${DEVNET_CONFIG:-$ROOT/network/dev/devnet.json}"
DOTNET="${DOTNET:-dotnet}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

mkdir -p "$RUN/logs"
pids=()
essential=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo "stopping: ${pids[*]}"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  fi
  # .run/network.json describes the running network: once it is stopped, clients must not find it.
  if [ -f "$RUN/network.json" ] && grep -q '"kind": "dev"' "$RUN/network.json"; then rm -f "$RUN/network.json"; fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

echo "building (Release)..."
"$DOTNET" build -c Release -v quiet -nologo network/Restcomm.DevNetwork/Restcomm.DevNetwork.csproj >"$RUN/logs/build-devnet.log" 2>&1 \
  || { cat "$RUN/logs/build-devnet.log"; exit 1; }
"$DOTNET" build -c Release -v quiet -nologo chaincode/Restcomm.Chaincode.Example/Restcomm.Chaincode.Example.csproj >"$RUN/logs/build-example.log" 2>&1 \
  || { cat "$RUN/logs/build-example.log"; exit 1; }
"$DOTNET" build -c Release -v quiet -nologo gateway/Restcomm.Gateway.Api/Restcomm.Gateway.Api.csproj >"$RUN/logs/build-api.log" 2>&1 \
  || { cat "$RUN/logs/build-api.log"; exit 1; }
"$DOTNET" build -c Release -v quiet -nologo gateway/Restcomm.Cli/Restcomm.Cli.csproj >"$RUN/logs/build-cli.log" 2>&1 \
  || { cat "$RUN/logs/build-cli.log"; exit 1; }
# The EIR chaincode host joins when its project builds (it may still be a stub while it is written).
eir_built=0
if "$DOTNET" build -c Release -v quiet -nologo chaincode/Restcomm.Chaincode.Eir/Restcomm.Chaincode.Eir.csproj >"$RUN/logs/build-eir.log" 2>&1; then
  eir_built=1
fi
roaming_built=0
if "$DOTNET" build -c Release -v quiet -nologo chaincode/Restcomm.Chaincode.Roaming/Restcomm.Chaincode.Roaming.csproj >"$RUN/logs/build-roaming.log" 2>&1; then
  roaming_built=1
fi

started=$(date +%s%N)
DEVNET_DLL="network/Restcomm.DevNetwork/bin/Release/net10.0/Restcomm.DevNetwork.dll"
DEVNET_ARGS=(--config "$CONFIG" --crypto "$RUN/crypto" --data "$RUN/devnet" --network-json "$RUN/network.json")

# Crypto material is generated once and kept (clients keep working across restarts). `--chaincode-env NAME` does
# that, issues the chaincode's TLS server certificate on first use (from the dev network's chaincode TLS CA, under
# .run/crypto/peerOrganizations/chaincode.example.com) and prints the shim's TLS variables devnet.json asks for:
# CORE_PEER_TLS_ENABLED, CORE_TLS_CLIENT_CERT_FILE/KEY_FILE and, for mutual TLS, CORE_PEER_TLS_ROOTCERT_FILE.
start_chaincode() { # name address dll essential
  local name=$1 address=$2 dll=$3 tls_env
  tls_env=$("$DOTNET" "$DEVNET_DLL" "${DEVNET_ARGS[@]}" --chaincode-env "$name") || exit 1
  mapfile -t tls_env <<<"$tls_env"
  env "${tls_env[@]}" CHAINCODE_SERVER_ADDRESS="$address" CORE_CHAINCODE_ID_NAME="$name:1.0" \
    "$DOTNET" "$dll" >"$RUN/logs/chaincode-$name.log" 2>&1 &
  pids+=($!)
  if [ "${4:-}" = essential ]; then essential+=($!); fi
  local link="plaintext"
  if printf '%s\n' "${tls_env[@]}" | grep -qx 'CORE_PEER_TLS_ENABLED=true'; then
    link="TLS"
    if printf '%s\n' "${tls_env[@]}" | grep -q '^CORE_PEER_TLS_ROOTCERT_FILE='; then link="mutual TLS"; fi
  fi
  echo "chaincode $name: $address, $link (log .run/logs/chaincode-$name.log)"
}
address_of() { # chaincode name -> its address in the configuration
  sed -n "s/.*\"name\": *\"$1\", *\"address\": *\"\([^\"]*\)\".*/\1/p" "$CONFIG" | head -1
}

start_chaincode example "$(address_of example)" chaincode/Restcomm.Chaincode.Example/bin/Release/net10.0/Restcomm.Chaincode.Example.dll essential
if [ "$eir_built" = 1 ] && [ -n "$(address_of eir)" ]; then
  # Writes need the eir.reporter certificate attribute, which devnet.json's operator users carry (as a Fabric CA
  # enrollment would); EIR_WRITER_ATTRIBUTE= (empty) turns the check off.
  # Delegates must be members of the eir channel (devnet.json); the chaincode cannot read the channel configuration.
  EIR_WRITER_ATTRIBUTE="${EIR_WRITER_ATTRIBUTE-eir.reporter}" EIR_MEMBER_MSPS="${EIR_MEMBER_MSPS-Org1MSP,Org2MSP,Org3MSP}" \
    start_chaincode eir "$(address_of eir)" chaincode/Restcomm.Chaincode.Eir/bin/Release/net10.0/Restcomm.Chaincode.Eir.dll
fi
if [ "$roaming_built" = 1 ] && [ -n "$(address_of roaming)" ]; then
  # Roles come from the roaming.submitter / roaming.approver certificate attributes devnet.json's operator users carry.
  start_chaincode roaming "$(address_of roaming)" chaincode/Restcomm.Chaincode.Roaming/bin/Release/net10.0/Restcomm.Chaincode.Roaming.dll
fi

rm -f "$RUN/network.json"
"$DOTNET" "$DEVNET_DLL" "${DEVNET_ARGS[@]}" > >(tee "$RUN/logs/devnet.log") 2>&1 &
pids+=($!)
essential+=($!)

for _ in $(seq 1 300); do
  [ -s "$RUN/network.json" ] && break
  sleep 0.1
done
[ -s "$RUN/network.json" ] || { echo "the dev network did not start; see .run/logs/devnet.log"; exit 1; }
# One REST API per operator organisation, each with its own store under .run/api/<org>/ and a key with
# every scope (rotated on each start) written to .run/api-keys.json.
API_DLL="gateway/Restcomm.Gateway.Api/bin/Release/net10.0/Restcomm.Gateway.Api.dll"
CLI_DLL="gateway/Restcomm.Cli/bin/Release/net10.0/restcomm.dll"
read -r -a api_ports <<<"${API_PORTS:-8080 8081 8082}"
API_ORGS=(Org1MSP:${api_ports[0]} Org2MSP:${api_ports[1]} Org3MSP:${api_ports[2]})
json_field() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" | head -1; }
keys_json="{"
for entry in "${API_ORGS[@]}"; do
  org=${entry%%:*} port=${entry##*:}
  dir="$RUN/api/$(echo "$org" | tr '[:upper:]' '[:lower:]')"
  mkdir -p "$dir"
  created=$("$DOTNET" "$CLI_DLL" keys create --org "$org" --scopes all --name make-run --rotate --store "$dir/gateway.db" --json)
  key=$(printf '%s\n' "$created" | json_field key)
  id=$(printf '%s\n' "$created" | json_field id)
  keys_json+=$'\n'"  \"$org\": { \"url\": \"http://127.0.0.1:$port\", \"keyId\": \"$id\", \"key\": \"$key\" },"
  "$DOTNET" "$API_DLL" --urls "http://127.0.0.1:$port" --Gateway:MspId "$org" --Gateway:DataDirectory "$dir" \
    --Fabric:NetworkFile "$RUN/network.json" >"$RUN/logs/api-$org.log" 2>&1 &
  pids+=($!)
done
printf '%s\n}\n' "${keys_json%,}" >"$RUN/api-keys.json"
chmod 600 "$RUN/api-keys.json"

api_ready() { # port -> 0 once /readyz answers 200
  if command -v curl >/dev/null; then curl -sf -o /dev/null "http://127.0.0.1:$1/readyz"; else (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; fi
}
for entry in "${API_ORGS[@]}"; do
  port=${entry##*:}
  for _ in $(seq 1 300); do api_ready "$port" && break; sleep 0.1; done
  api_ready "$port" || echo "warning: the API on :$port is not ready yet; see .run/logs/api-${entry%%:*}.log"
done

elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
echo
for entry in "${API_ORGS[@]}"; do
  echo "REST API ${entry%%:*}: http://127.0.0.1:${entry##*:}  (reference: http://127.0.0.1:${entry##*:}/docs, log .run/logs/api-${entry%%:*}.log)"
done
echo "API keys with every scope: .run/api-keys.json, e.g."
echo "  curl -H \"Authorization: Bearer \$(sed -n 's/.*\"Org1MSP\".*\"key\": \"\([^\"]*\)\".*/\1/p' .run/api-keys.json)\" http://127.0.0.1:${api_ports[0]}/v1/me"
echo
echo "ready in ${elapsed_ms} ms. Clients read .run/network.json; Ctrl-C stops everything."
# A chaincode host that is still a stub exits at once; only the dev network and the example chaincode are essential.
wait -n "${essential[@]}" || true
echo "the dev network or the example chaincode exited; stopping the rest"
