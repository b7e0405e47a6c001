# Native mode (FABRIC_BIN set): the orderer, the peers and the chaincode servers as processes on
# 127.0.0.1. Each runs in its own session (setsid) so `down` can end it with everything it
# spawned; PIDs are in $RUN_DIR/pids, logs in $RUN_DIR/logs.

native_check() {
  local tool
  [ -n "${FABRIC_BIN:-}" ] || die "a native network's state is in $RUN_DIR: set FABRIC_BIN, or run network.sh down first"
  for tool in peer orderer configtxgen osnadmin cryptogen; do
    [ -x "$FABRIC_BIN/$tool" ] || die "FABRIC_BIN=$FABRIC_BIN has no '$tool' (see network/README.md, Real Fabric 2.5)"
  done
  FABRIC_CFG="${FABRIC_CFG_PATH:-$(cd "$FABRIC_BIN/.." && pwd)/config}"
  [ -f "$FABRIC_CFG/core.yaml" ] && [ -f "$FABRIC_CFG/orderer.yaml" ] ||
    die "no core.yaml/orderer.yaml in $FABRIC_CFG (the 'config' folder of Fabric's release; set FABRIC_CFG_PATH)"
}

# spawn NAME COMMAND...: starts COMMAND detached, logging to logs/NAME.log; the environment comes
# from the array SPAWN_ENV. Prints the PID.
SPAWN_ENV=()
spawn() {
  local name=$1; shift
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs"
  # Fabric settings exported in the caller's shell (say, a CLI session's CORE_PEER_ADDRESS) must not
  # reach the nodes: each one gets exactly the settings listed for it.
  local unset=() var
  for var in $(compgen -e); do
    case "$var" in CORE_* | ORDERER_*) unset+=(-u "$var") ;; esac
  done
  env "${unset[@]}" "${SPAWN_ENV[@]}" setsid "$@" >"$RUN_DIR/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" > "$RUN_DIR/pids/$name.pid"
  echo "$pid"
}

alive() { [ -f "$RUN_DIR/pids/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/pids/$1.pid")" 2>/dev/null; }

start_orderer() {
  local tls="$ORDERER_DIR/tls" data="$RUN_DIR/orderer" pid
  mkdir -p "$data"
  SPAWN_ENV=(
    FABRIC_CFG_PATH="$FABRIC_CFG"
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-INFO}"
    ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
    ORDERER_GENERAL_LISTENPORT=$ORDERER_PORT
    ORDERER_GENERAL_LOCALMSPID=OrdererMSP
    ORDERER_GENERAL_LOCALMSPDIR="$ORDERER_DIR/msp"
    ORDERER_GENERAL_TLS_ENABLED=true
    ORDERER_GENERAL_TLS_PRIVATEKEY="$tls/server.key"
    ORDERER_GENERAL_TLS_CERTIFICATE="$tls/server.crt"
    ORDERER_GENERAL_TLS_ROOTCAS="[$tls/ca.crt]"
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$tls/server.crt"
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$tls/server.key"
    ORDERER_GENERAL_CLUSTER_ROOTCAS="[$tls/ca.crt]"
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none
    ORDERER_CHANNELPARTICIPATION_ENABLED=true
    ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$ORDERER_ADMIN_PORT
    ORDERER_ADMIN_TLS_ENABLED=true
    ORDERER_ADMIN_TLS_PRIVATEKEY="$tls/server.key"
    ORDERER_ADMIN_TLS_CERTIFICATE="$tls/server.crt"
    ORDERER_ADMIN_TLS_ROOTCAS="[$tls/ca.crt]"
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$tls/ca.crt]"
    ORDERER_FILELEDGER_LOCATION="$data/ledger"
    ORDERER_CONSENSUS_WALDIR="$data/etcdraft/wal"
    ORDERER_CONSENSUS_SNAPDIR="$data/etcdraft/snapshot"
    ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$ORDERER_OPS_PORT
    ORDERER_METRICS_PROVIDER=disabled
  )
  log "orderer.example.com on 127.0.0.1:$ORDERER_PORT (admin :$ORDERER_ADMIN_PORT)"
  pid=$(spawn orderer "$FABRIC_BIN/orderer")
  wait_for_port 127.0.0.1 "$ORDERER_ADMIN_PORT" 60 "$pid" ||
    { tail -n 30 "$RUN_DIR/logs/orderer.log" >&2; die "the orderer did not start"; }
}

start_peer() {
  local org=$1 dir tls data="$RUN_DIR/peers/$1" pid
  dir=$(peer_dir "$org"); tls="$dir/tls"
  mkdir -p "$data"
  SPAWN_ENV=(
    FABRIC_CFG_PATH="$FABRIC_CFG"
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-INFO}"
    CORE_PEER_ID="peer0.${DOMAIN[$org]}"
    CORE_PEER_ADDRESS="127.0.0.1:${PEER_PORT[$org]}"
    CORE_PEER_LISTENADDRESS="127.0.0.1:${PEER_PORT[$org]}"
    CORE_PEER_CHAINCODEADDRESS="127.0.0.1:${PEER_CC_PORT[$org]}"
    CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:${PEER_CC_PORT[$org]}"
    CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:${PEER_PORT[$org]}"
    CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:${PEER_PORT[$org]}"
    CORE_PEER_GOSSIP_USELEADERELECTION=false
    CORE_PEER_GOSSIP_ORGLEADER=true
    CORE_PEER_LOCALMSPID="${MSP[$org]}"
    CORE_PEER_MSPCONFIGPATH="$dir/msp"
    CORE_PEER_TLS_ENABLED=true
    CORE_PEER_TLS_CERT_FILE="$tls/server.crt"
    CORE_PEER_TLS_KEY_FILE="$tls/server.key"
    CORE_PEER_TLS_ROOTCERT_FILE="$tls/ca.crt"
    CORE_PEER_FILESYSTEMPATH="$data/production"
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots"
    CORE_PEER_GATEWAY_ENABLED=true
    CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:${PEER_OPS_PORT[$org]}"
    CORE_METRICS_PROVIDER=disabled
    CORE_CHAINCODE_EXTERNALBUILDERS="[{name: restcomm-ccaas, path: $FABRIC_DIR/builders/ccaas}]"
  )
  if peer_client_auth; then
    SPAWN_ENV+=(CORE_PEER_TLS_CLIENTAUTHREQUIRED=true CORE_PEER_TLS_CLIENTROOTCAS_FILES="$(all_tlsca_certs)"
      CORE_PEER_TLS_CLIENTCERT_FILE="$tls/server.crt" CORE_PEER_TLS_CLIENTKEY_FILE="$tls/server.key")
  fi
  log "peer0.${DOMAIN[$org]} (${MSP[$org]}) on 127.0.0.1:${PEER_PORT[$org]}"
  pid=$(spawn "peer-$org" "$FABRIC_BIN/peer" node start)
}

wait_peers() {
  local org pid
  for org in "${ORGS[@]}"; do
    pid=$(cat "$RUN_DIR/pids/peer-$org.pid")
    wait_for_port 127.0.0.1 "${PEER_PORT[$org]}" 60 "$pid" ||
      { tail -n 30 "$RUN_DIR/logs/peer-$org.log" >&2; die "peer0.${DOMAIN[$org]} did not start"; }
  done
}

chaincode_server_running() { alive "chaincode-$1"; }

# start_chaincode_server NAME PACKAGE_ID: the chaincode host as a service. <NAME>_CHAINCODE_CMD
# (e.g. EXAMPLE_CHAINCODE_CMD) replaces the built C# host with any command that honours
# CHAINCODE_SERVER_ADDRESS and CORE_CHAINCODE_ID_NAME.
start_chaincode_server() {
  local cc=$1 pid=$2 address override_var cmd=() project dll server
  address=$(chaincode_address "$cc")
  override_var="$(tr '[:lower:]' '[:upper:]' <<<"$cc")_CHAINCODE_CMD"
  if [ -n "${!override_var:-}" ]; then
    cmd=(bash -c "${!override_var}")
  else
    project="$ROOT/${CC_PROJECT[$cc]}"
    [ -d "$project" ] || die "no chaincode host project at ${CC_PROJECT[$cc]}"
    log "  building $(basename "$project")"
    dotnet build "$project" -c Release --nologo -v quiet >"$RUN_DIR/logs/build-$cc.log" 2>&1 ||
      { tail -n 30 "$RUN_DIR/logs/build-$cc.log" >&2; die "could not build $(basename "$project")"; }
    dll="$project/bin/Release/net10.0/$(basename "$project").dll"
    cmd=(dotnet "$dll")
  fi
  SPAWN_ENV=(CHAINCODE_SERVER_ADDRESS="$address" CORE_CHAINCODE_ID_NAME="$pid")
  # shellcheck disable=SC2206 # CC_ENV holds NAME=VALUE words
  [ -z "${CC_ENV[$cc]:-}" ] || SPAWN_ENV+=(${CC_ENV[$cc]})
  if chaincode_tls; then
    # Server certificate for the address the peers dial; peers must present a certificate from
    # the same TLS CA (connection.json's client_cert).
    local tls; tls=$(chaincode_tls_dir "$cc")
    SPAWN_ENV+=(CORE_PEER_TLS_ENABLED=true CORE_TLS_CLIENT_CERT_FILE="$tls/server.crt"
      CORE_TLS_CLIENT_KEY_FILE="$tls/server.key" CORE_PEER_TLS_ROOTCERT_FILE="$tls/ca.crt")
  else
    SPAWN_ENV+=(CORE_PEER_TLS_ENABLED=false)
  fi
  log "  chaincode server $cc on $address (TLS $(chaincode_tls && echo on || echo off))"
  server=$(spawn "chaincode-$cc" "${cmd[@]}")
  wait_for_port "${address%:*}" "${address##*:}" 60 "$server" ||
    { tail -n 30 "$RUN_DIR/logs/chaincode-$cc.log" >&2; die "the $cc chaincode server did not start listening on $address"; }
}

stop_chaincode_server() { stop_process "chaincode-$1"; }

# stop_process NAME...: SIGTERM to each process's session, then waits; SIGKILL for any still
# running after 15 s. Processes named together stop in parallel.
stop_process() {
  local name pid i left
  local -A pids=()
  for name in "$@"; do
    [ -f "$RUN_DIR/pids/$name.pid" ] || continue
    pid=$(cat "$RUN_DIR/pids/$name.pid")
    pids[$name]=$pid
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < 75; i++)); do
    left=0
    for name in "${!pids[@]}"; do kill -0 "${pids[$name]}" 2>/dev/null && left=1; done
    [ $left = 1 ] || break
    sleep 0.2
  done
  for name in "${!pids[@]}"; do
    pid=${pids[$name]}
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM; killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    # Anything left in the session (children of a wrapper) goes too.
    pkill -KILL -s "$pid" 2>/dev/null || true
    rm -f "$RUN_DIR/pids/$name.pid"
  done
}

native_up() {
  native_check
  if [ -d "$RUN_DIR/pids" ] && ls "$RUN_DIR/pids"/*.pid >/dev/null 2>&1; then
    local running=0 f
    for f in "$RUN_DIR/pids"/*.pid; do alive "$(basename "$f" .pid)" && running=$((running + 1)); done
    if [ "$running" -gt 0 ]; then
      log "the network is already running ($running processes); 'network.sh down' first to start afresh"
      return 0
    fi
  fi
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids" "$RUN_DIR/deployed"
  # A failed start leaves no process behind (the logs stay for a look).
  trap 'status=$?; if [ $status -ne 0 ]; then log "start failed; stopping what was started (logs in $RUN_DIR/logs)"; stop_all; fi' EXIT
  generate_crypto
  generate_channel_blocks
  start_orderer
  local org
  for org in "${ORGS[@]}"; do start_peer "$org"; done
  wait_peers
  join_channels
  write_network_json
  local cc
  for cc in ${CHAINCODES:-example eir roaming numbers audit}; do deploy_chaincode "$cc"; done
  trap - EXIT
  log "up: 4 peers, 1 orderer, channels ${CHANNELS[*]}; $NETWORK_JSON"
}

stop_all() {
  [ -d "$RUN_DIR/pids" ] || return 0
  local group f names
  # Chaincode servers first, then the peers, then the orderer; each group in parallel.
  for group in 'chaincode-*' 'peer-*' 'orderer'; do
    names=()
    for f in "$RUN_DIR/pids"/$group.pid; do [ -f "$f" ] && names+=("$(basename "$f" .pid)"); done
    [ ${#names[@]} -gt 0 ] || continue
    log "stopping ${names[*]}"
    stop_process "${names[@]}"
  done
}

native_down() {
  stop_all
  rm -rf "$RUN_DIR"
  if [ -f "$NETWORK_JSON" ] && grep -q '"kind": "fabric"' "$NETWORK_JSON"; then rm -f "$NETWORK_JSON"; fi
  log "down"
}
