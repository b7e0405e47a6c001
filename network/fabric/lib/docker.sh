# Docker mode (no FABRIC_BIN): the root docker-compose.yaml runs the official
# hyperledger/fabric-peer:2.5 and fabric-orderer:2.5 images, the chaincode hosts and the REST API;
# Fabric's CLIs run from hyperledger/fabric-tools:2.5 on the same bridge network.

compose() { RESTCOMM_ROOT="$ROOT" docker compose -p restcomm-fabric -f "$ROOT/docker-compose.yaml" --project-directory "$ROOT" "$@"; }

docker_check() {
  command -v docker >/dev/null || die "no docker; install Docker or set FABRIC_BIN to Fabric 2.5 binaries (network/README.md)"
  docker compose version >/dev/null 2>&1 ||
    die "the docker compose plugin is missing; install it, or set FABRIC_BIN to Fabric 2.5 binaries (network/README.md)"
  docker info >/dev/null 2>&1 ||
    die "the Docker engine is not reachable; start it, or set FABRIC_BIN to Fabric 2.5 binaries (network/README.md)"
}

chaincode_server_running() { [ -n "$(compose ps -q --status running "$1-chaincode" 2>/dev/null)" ]; }

# The chaincode containers read their package ID from <NAME>_CC_PACKAGE_ID at start.
start_chaincode_server() {
  local cc=$1 pid=$2 var
  var="$(tr '[:lower:]' '[:upper:]' <<<"$cc")_CC_PACKAGE_ID"
  log "  chaincode container $cc-chaincode ($pid)"
  env "$var=$pid" CHAINCODE_TLS="${CHAINCODE_TLS:-true}" compose up -d --build "$cc-chaincode" >>"$RUN_DIR/logs/compose.log" 2>&1 ||
    { tail -n 30 "$RUN_DIR/logs/compose.log" >&2; die "could not start $cc-chaincode"; }
}

stop_chaincode_server() { compose rm -sf "$1-chaincode" >/dev/null 2>&1 || true; }

docker_up() {
  docker_check
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/deployed"
  generate_crypto
  generate_channel_blocks
  log "starting orderer and peers (docker compose)"
  compose up -d orderer.example.com peer0.org1.example.com peer0.org2.example.com \
    peer0.org3.example.com peer0.regulator.example.com >>"$RUN_DIR/logs/compose.log" 2>&1 ||
    { tail -n 30 "$RUN_DIR/logs/compose.log" >&2; die "docker compose up failed"; }
  wait_for_port 127.0.0.1 "$ORDERER_ADMIN_PORT" 60 || die "the orderer did not start"
  local org cc
  for org in "${ORGS[@]}"; do wait_for_port 127.0.0.1 "${PEER_PORT[$org]}" 60 || die "peer of $org did not start"; done
  join_channels
  write_network_json
  for cc in ${CHAINCODES:-example eir roaming numbers audit}; do deploy_chaincode "$cc"; done
  log "starting the REST API container"
  compose up -d --build api >>"$RUN_DIR/logs/compose.log" 2>&1 || log "the REST API container did not start (see $RUN_DIR/logs/compose.log)"
  log "up: channels ${CHANNELS[*]}; $NETWORK_JSON"
}

docker_down() {
  if command -v docker >/dev/null && docker compose version >/dev/null 2>&1; then
    compose down --volumes --remove-orphans >/dev/null 2>&1 || true
  fi
  rm -rf "$RUN_DIR"
  if [ -f "$NETWORK_JSON" ] && grep -q '"kind": "fabric"' "$NETWORK_JSON"; then rm -f "$NETWORK_JSON"; fi
  log "down"
}
