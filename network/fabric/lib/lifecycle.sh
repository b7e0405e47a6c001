# Chaincode lifecycle for chaincode-as-a-service: package, install on every member org's peer,
# start the chaincode server, approve per org, commit; a later deploy with a new version is an
# upgrade (same steps, sequence + 1). Sourced by network.sh after common.sh and the mode's file.

orderer_args() {
  ORDERER_ARGS=(-o "$(orderer_endpoint)" --ordererTLSHostnameOverride orderer.example.com --tls --cafile "$ORDERER_TLSCA")
}

# Orgs that need the chaincode installed: every member of every channel it is defined on.
chaincode_orgs() {
  local ch o
  for ch in ${CC_CHANNELS[$1]}; do for o in ${CHANNEL_ORGS[$ch]}; do echo "$o"; done; done | awk '!seen[$0]++'
}

install_package() {
  local org=$1 pkg=$2 pid=$3
  as_admin "$org"
  if fabric_tool peer lifecycle chaincode queryinstalled 2>/dev/null | grep -qF "Package ID: $pid,"; then
    return 0
  fi
  log "  install $(basename "$pkg") on peer0.${DOMAIN[$org]}"
  # A peer busy enough to miss the query above may already have it: that is success.
  fabric_tool peer lifecycle chaincode install "$pkg" >"$RUN_DIR/logs/install-$org.log" 2>&1 ||
    grep -q "chaincode already successfully installed" "$RUN_DIR/logs/install-$org.log" ||
    { cat "$RUN_DIR/logs/install-$org.log" >&2; die "install on $org failed"; }
}

# committed_field CHANNEL NAME FIELD: the committed definition's sequence or version, empty if none.
committed_field() {
  as_admin "${CHANNEL_ORGS[$1]%% *}"
  fabric_tool peer lifecycle chaincode querycommitted --channelID "$1" --name "$2" -O json 2>/dev/null |
    tr -d ' \n' | grep -o "\"$3\":\"\?[^,\"}]*" | sed 's/.*:"\{0,1\}//' || true
}

# define_on_channel CHANNEL NAME VERSION PACKAGE_ID: approve for each member org, then commit.
define_on_channel() {
  local ch=$1 cc=$2 version=$3 pid=$4 seq current cols org
  local col_args=() peer_args=()
  current=$(committed_field "$ch" "$cc" sequence)
  cols=$(collections_config "$ch" "$cc")
  # What the definition says besides the package: a membership change (REDEFINE=1) needs a new sequence only when it
  # changes the endorsement policy or the collections.
  mkdir -p "$RUN_DIR/terms"
  local terms="$RUN_DIR/terms/$ch.$cc"
  { endorsement_policy "$cc" "$ch"; [ -z "$cols" ] || cat "$cols"; } >"$terms.new"
  if [ -n "$current" ] && [ "$(committed_field "$ch" "$cc" version)" = "$version" ] &&
    { [ "${REDEFINE:-0}" != 1 ] || cmp -s "$terms.new" "$terms"; }; then
    log "  $ch: $cc version $version already committed (sequence $current)"
    echo "$cc" >> "$RUN_DIR/deployed/$ch"
    rm -f "$terms.new"
    return 0
  fi
  seq=$((${current:-0} + 1))
  [ -z "$cols" ] || col_args=(--collections-config "$cols")
  orderer_args
  for org in ${CHANNEL_ORGS[$ch]}; do
    log "  $ch: ${MSP[$org]} approves $cc version $version sequence $seq"
    as_admin "$org"
    retry 5 2 fabric_tool peer lifecycle chaincode approveformyorg "${ORDERER_ARGS[@]}" \
      --channelID "$ch" --name "$cc" --version "$version" --package-id "$pid" --sequence "$seq" \
      --signature-policy "$(endorsement_policy "$cc" "$ch")" "${col_args[@]}" >>"$RUN_DIR/logs/lifecycle.log" 2>&1 ||
      { tail -n 20 "$RUN_DIR/logs/lifecycle.log" >&2; die "approval by ${MSP[$org]} on $ch failed"; }
    peer_args+=(--peerAddresses "$(peer_endpoint "$org")" --tlsRootCertFiles "$(peer_dir "$org")/tls/ca.crt")
  done
  log "  $ch: commit $cc sequence $seq"
  as_admin "${CHANNEL_ORGS[$ch]%% *}"
  retry 5 2 fabric_tool peer lifecycle chaincode commit "${ORDERER_ARGS[@]}" \
    --channelID "$ch" --name "$cc" --version "$version" --sequence "$seq" \
    --signature-policy "$(endorsement_policy "$cc" "$ch")" "${col_args[@]}" "${peer_args[@]}" >>"$RUN_DIR/logs/lifecycle.log" 2>&1 ||
    { tail -n 20 "$RUN_DIR/logs/lifecycle.log" >&2; die "commit of $cc on $ch failed"; }
  mv "$terms.new" "$terms"
  echo "$cc" >> "$RUN_DIR/deployed/$ch"
}

# deploy_chaincode NAME [VERSION]: deploys NAME as a service on all its channels. Without VERSION
# the current one is kept (first deploy: 1); a new VERSION upgrades with a sequence bump.
deploy_chaincode() {
  local cc=$1 version=${2:-} state="$RUN_DIR/chaincode/$1" pkg pid org ch
  [ -n "${CC_CHANNELS[$cc]:-}" ] || die "unknown chaincode '$cc' (known: ${!CC_CHANNELS[*]})"
  mkdir -p "$state" "$RUN_DIR/deployed" "$RUN_DIR/logs"
  [ -n "$version" ] || version=$(cat "$state/version" 2>/dev/null || echo 1)
  log "chaincode $cc version $version as a service at $(chaincode_address "$cc")"
  pkg=$(package_chaincode "$cc" "$version")
  pid=$(package_id "$pkg")
  for org in $(chaincode_orgs "$cc"); do install_package "$org" "$pkg" "$pid"; done
  for ch in ${CC_CHANNELS[$cc]}; do define_on_channel "$ch" "$cc" "$version" "$pid"; done
  # The server must announce the package ID the peers now expect, so (re)start it last.
  if [ "$(cat "$state/package-id" 2>/dev/null)" != "$pid" ] || ! chaincode_server_running "$cc"; then
    stop_chaincode_server "$cc"
    start_chaincode_server "$cc" "$pid"
  fi
  echo "$pid" > "$state/package-id"
  echo "$version" > "$state/version"
  for ch in ${CC_CHANNELS[$cc]}; do sort -u -o "$RUN_DIR/deployed/$ch" "$RUN_DIR/deployed/$ch"; done
  write_network_json
  log "chaincode $cc deployed: $pid"
}

upgrade_chaincode() {
  local cc=$1 current
  current=$(cat "$RUN_DIR/chaincode/$cc/version" 2>/dev/null) || die "$cc is not deployed"
  deploy_chaincode "$cc" "${2:-$((current + 1))}"
}

# join_channels: the orderer through the channel participation API, then every member peer.
join_channels() {
  local ch org
  for ch in "${CHANNELS[@]}"; do
    log "channel $ch: orderer joins (osnadmin)"
    TOOL_ENV=()
    retry 10 1 fabric_tool osnadmin channel join --channelID "$ch" --config-block "$ARTEFACTS/$ch.block" \
      -o "$(orderer_host):$ORDERER_ADMIN_PORT" --ca-file "$ORDERER_TLSCA" \
      --client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key" \
      >>"$RUN_DIR/logs/channels.log" 2>&1 || { tail -n 20 "$RUN_DIR/logs/channels.log" >&2; die "orderer could not join $ch"; }
  done
  for ch in "${CHANNELS[@]}"; do
    for org in ${CHANNEL_ORGS[$ch]}; do
      log "channel $ch: peer0.${DOMAIN[$org]} joins"
      as_admin "$org"
      retry 10 2 fabric_tool peer channel join -b "$ARTEFACTS/$ch.block" >>"$RUN_DIR/logs/channels.log" 2>&1 ||
        { tail -n 20 "$RUN_DIR/logs/channels.log" >&2; die "peer of $org could not join $ch"; }
    done
  done
  # Peers take the channel's config from the orderer; wait until each one has caught up.
  for ch in "${CHANNELS[@]}"; do
    for org in ${CHANNEL_ORGS[$ch]}; do
      as_admin "$org"
      retry 30 1 channel_has_height "$ch" || die "peer of $org never caught up on $ch"
    done
  done
}

channel_has_height() { fabric_tool peer channel getinfo -c "$1" 2>/dev/null | grep -q '"height":[1-9]'; }
