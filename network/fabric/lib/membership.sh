# Consortium membership on the real network: an organisation joins or leaves a channel by a channel configuration
# update signed by a majority of the current members' admins (/Channel/Application/Admins is "MAJORITY Admins"), then
# a new chaincode definition sequence carries the pairwise collections of the new membership. Sourced by network.sh
# after lifecycle.sh; native mode.
#
# The protobuf work is Fabric's own: `peer channel fetch config` gets the config block from the orderer,
# `configtxlator` decodes it and computes the ConfigUpdate read/write sets (compute_update), `configtxgen -printOrg`
# turns an MSP folder into the organisation's config group, `peer channel signconfigtx` adds a signature and
# `peer channel update` broadcasts the signed envelope to the orderer, which checks the majority. Steps one by one:
#
#   network.sh config-update add|remove CHANNEL ORG FILE [MSP_DIR]   the unsigned update envelope (CONFIG_UPDATE) in FILE
#   network.sh sign-update FILE ORG [USER]                            ORG's admin (or USER) adds a signature to FILE
#   network.sh submit-update CHANNEL FILE ORG                         ORG's admin signs too and sends it to the orderer
#   network.sh join-member CHANNEL ORG                                ORG's peer joins, chaincodes get a new definition
#
# or all at once: network.sh add-member CHANNEL ORG [MSP_DIR] / remove-member CHANNEL ORG (signed by SIGNERS, default
# the first majority of the current members).

membership_check() {
  native_check
  [ -x "$FABRIC_BIN/configtxlator" ] || die "FABRIC_BIN=$FABRIC_BIN has no 'configtxlator' (Fabric's release has it)"
  command -v jq >/dev/null || die "membership changes need jq"
}

# org_key MSPID|KEY: the script's key of an organisation (org4 for Org4MSP or org4).
org_key() {
  local o
  for o in "${!MSP[@]}"; do
    if [ "$o" = "$1" ] || [ "${MSP[$o]}" = "$1" ]; then echo "$o"; return 0; fi
  done
  die "unknown organisation '$1' (known: ${!MSP[*]})"
}

channel_has_org() { local o; for o in ${CHANNEL_ORGS[$1]}; do [ "$o" = "$2" ] && return 0; done; return 1; }

# majority CHANNEL: how many admins the channel's Admins policy (MAJORITY Admins) needs.
majority() { local n; n=$(wc -w <<<"${CHANNEL_ORGS[$1]}"); echo $(( n / 2 + 1 )); }

# fetch_config CHANNEL DIR: the channel's current config as DIR/config.json (from the orderer, as a member's admin).
fetch_config() {
  local ch=$1 dir=$2 org
  orderer_args
  for org in ${CHANNEL_ORGS[$ch]}; do
    as_admin "$org"
    if fabric_tool peer channel fetch config "$dir/config_block.pb" -c "$ch" "${ORDERER_ARGS[@]}" >"$dir/fetch.log" 2>&1; then
      fabric_tool configtxlator proto_decode --input "$dir/config_block.pb" --type common.Block |
        jq '.data.data[0].payload.data.config' >"$dir/config.json"
      return 0
    fi
  done
  cat "$dir/fetch.log" >&2
  die "could not fetch the config block of $ch"
}

# org_group ORG MSP_DIR DIR: ORG's config group (MSP, policies as configtx.yaml gives operators, anchor peer) as JSON.
org_group() {
  local org=$1 msp_dir=$2 dir=$3 id=${MSP[$1]}
  [ -d "$msp_dir" ] || die "no MSP folder at $msp_dir"
  cat >"$dir/configtx.yaml" <<YAML
Organizations:
  - &Joining
    Name: $id
    ID: $id
    MSPDir: $msp_dir
    Policies:
      Readers:     { Type: Signature, Rule: "OR('$id.admin', '$id.peer', '$id.client')" }
      Writers:     { Type: Signature, Rule: "OR('$id.admin', '$id.client')" }
      Admins:      { Type: Signature, Rule: "OR('$id.admin')" }
      Endorsement: { Type: Signature, Rule: "OR('$id.peer')" }
    AnchorPeers:
      - Host: $(peer_host "$org")
        Port: ${PEER_PORT[$org]}
YAML
  TOOL_ENV=()
  fabric_tool configtxgen -configPath "$dir" -printOrg "$id" >"$dir/org.json" 2>"$dir/printorg.log" ||
    { cat "$dir/printorg.log" >&2; die "the MSP at $msp_dir is not usable for $id (configtxgen -printOrg refused it); the channel is unchanged"; }
  # configtxgen accepts some folders Fabric's MSP would not (no CA certificate at all): refuse those here.
  jq -e '.values.MSP.value.config.root_certs | length > 0' "$dir/org.json" >/dev/null ||
    die "the MSP at $msp_dir has no CA certificate (cacerts/); the channel is unchanged"
}

# config_update add|remove CHANNEL ORG FILE [MSP_DIR]: the unsigned CONFIG_UPDATE envelope that adds ORG's group to
# (or removes it from) the channel's Application group, as configtxlator's compute_update makes it. Writes no FILE
# when the channel already is as asked.
config_update() {
  local op=$1 ch=$2 org=$3 out=$4 msp_dir=${5:-} dir id
  org=$(org_key "$org"); id=${MSP[$org]}
  rm -f "$out"
  dir=$(mktemp -d "$RUN_DIR/config-update.XXXXXX")
  fetch_config "$ch" "$dir"
  case "$op" in
    add)
      if jq -e --arg id "$id" '.channel_group.groups.Application.groups[$id]' "$dir/config.json" >/dev/null; then
        rm -rf "$dir"; log "$id is already a member of $ch: no update written"; return 0
      fi
      org_group "$org" "${msp_dir:-$(org_dir "$org")/msp}" "$dir"
      jq -s --arg id "$id" '.[0] * {"channel_group":{"groups":{"Application":{"groups":{($id):.[1]}}}}}' \
        "$dir/config.json" "$dir/org.json" >"$dir/modified.json" ;;
    remove)
      if ! jq -e --arg id "$id" '.channel_group.groups.Application.groups[$id]' "$dir/config.json" >/dev/null; then
        rm -rf "$dir"; log "$id is no member of $ch: no update written"; return 0
      fi
      jq --arg id "$id" 'del(.channel_group.groups.Application.groups[$id])' "$dir/config.json" >"$dir/modified.json" ;;
    *) die "config-update: add or remove, not '$op'" ;;
  esac
  TOOL_ENV=()
  fabric_tool configtxlator proto_encode --input "$dir/config.json" --type common.Config --output "$dir/config.pb"
  fabric_tool configtxlator proto_encode --input "$dir/modified.json" --type common.Config --output "$dir/modified.pb"
  fabric_tool configtxlator compute_update --channel_id "$ch" --original "$dir/config.pb" --updated "$dir/modified.pb" \
    --output "$dir/update.pb"
  fabric_tool configtxlator proto_decode --input "$dir/update.pb" --type common.ConfigUpdate >"$dir/update.json"
  # HeaderType CONFIG_UPDATE is 2 (common/common.proto).
  jq --arg ch "$ch" '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: .}}}' \
    "$dir/update.json" >"$dir/envelope.json"
  fabric_tool configtxlator proto_encode --input "$dir/envelope.json" --type common.Envelope --output "$out"
  rm -rf "$dir"
  log "$ch: update to $op $id written to $out; it needs $(majority "$ch") of the members' admins' signatures (${CHANNEL_ORGS[$ch]})"
}

# as_signer ORG [USER]: TOOL_ENV for ORG's admin, or another of its users (a non-admin signature is refused by the
# orderer's policy check, never here).
as_signer() {
  as_admin "$1"
  if [ -n "${2:-}" ] && [ "$2" != Admin ]; then
    local i
    for i in "${!TOOL_ENV[@]}"; do
      case "${TOOL_ENV[$i]}" in CORE_PEER_MSPCONFIGPATH=*) TOOL_ENV[$i]="CORE_PEER_MSPCONFIGPATH=$(org_dir "$1")/users/$2@${DOMAIN[$1]}/msp" ;; esac
    done
  fi
}

sign_update() {
  local file=$1 org user=${3:-}
  org=$(org_key "$2")
  [ -f "$file" ] || die "no update file $file"
  as_signer "$org" "$user"
  fabric_tool peer channel signconfigtx -f "$file" >"$RUN_DIR/logs/signconfigtx.log" 2>&1 ||
    { cat "$RUN_DIR/logs/signconfigtx.log" >&2; die "${MSP[$org]} could not sign $file"; }
  log "${user:-Admin}@${DOMAIN[$org]} signed $file"
}

# submit_update CHANNEL FILE ORG: ORG's admin adds its signature and broadcasts; the orderer refuses an update without
# the majority, and the channel stays as it was.
submit_update() {
  local ch=$1 file=$2 org
  org=$(org_key "$3")
  orderer_args
  as_admin "$org"
  if ! fabric_tool peer channel update -f "$file" -c "$ch" "${ORDERER_ARGS[@]}" >"$RUN_DIR/logs/channel-update.log" 2>&1; then
    cat "$RUN_DIR/logs/channel-update.log" >&2
    die "the orderer refused the update of $ch (it needs $(majority "$ch") of the admins of ${CHANNEL_ORGS[$ch]}); the channel is unchanged"
  fi
  log "$ch: update accepted by the orderer"
}

# record_members CHANNEL: the channel's organisations as the config block now says.
record_members() {
  local ch=$1 dir ids id orgs=()
  dir=$(mktemp -d "$RUN_DIR/config-update.XXXXXX")
  fetch_config "$ch" "$dir"
  mapfile -t ids < <(jq -r '.channel_group.groups.Application.groups | keys[]' "$dir/config.json")
  rm -rf "$dir"
  for id in "${ids[@]}"; do orgs+=("$(org_key "$id")"); done
  mkdir -p "$RUN_DIR/members"
  # In the script's own order (ORGS, then candidates), so a channel reads the same before and after.
  local o out=()
  for o in org1 org2 org3 regulator "${CANDIDATE_ORGS[@]}"; do
    printf '%s\n' "${orgs[@]}" | grep -qx "$o" && out+=("$o")
  done
  echo "${out[*]}" >"$RUN_DIR/members/$ch"
  CHANNEL_ORGS[$ch]="${out[*]}"
}

# join_member CHANNEL ORG: starts ORG's peer if needed, joins it to CHANNEL (genesis block from the orderer; the peer
# then replays the channel, config updates included), and gives every chaincode on CHANNEL a new definition sequence
# with the collections of the new membership, approved by each member and committed.
join_member() {
  local ch=$1 org
  org=$(org_key "$2")
  record_members "$ch"
  channel_has_org "$ch" "$org" || die "${MSP[$org]} is not in $ch's configuration yet: sign and submit the update first"
  if ! alive "peer-$org"; then
    start_peer "$org"
    wait_for_port 127.0.0.1 "${PEER_PORT[$org]}" 60 "$(cat "$RUN_DIR/pids/peer-$org.pid")" ||
      { tail -n 30 "$RUN_DIR/logs/peer-$org.log" >&2; die "peer0.${DOMAIN[$org]} did not start"; }
  fi
  mkdir -p "$RUN_DIR/joined"; touch "$RUN_DIR/joined/$org"
  case " ${ORGS[*]} " in *" $org "*) ;; *) ORGS+=("$org") ;; esac
  as_admin "$org"
  if channel_has_height "$ch"; then
    log "$ch: peer0.${DOMAIN[$org]} has already joined"
  else
    orderer_args
    retry 10 2 fabric_tool peer channel fetch 0 "$ARTEFACTS/$ch-0-$org.block" -c "$ch" "${ORDERER_ARGS[@]}" >>"$RUN_DIR/logs/channels.log" 2>&1 ||
      { tail -n 20 "$RUN_DIR/logs/channels.log" >&2; die "${MSP[$org]} could not fetch $ch's genesis block"; }
    retry 10 2 fabric_tool peer channel join -b "$ARTEFACTS/$ch-0-$org.block" >>"$RUN_DIR/logs/channels.log" 2>&1 ||
      { tail -n 20 "$RUN_DIR/logs/channels.log" >&2; die "peer0.${DOMAIN[$org]} could not join $ch"; }
    log "$ch: peer0.${DOMAIN[$org]} joined"
  fi
  redefine_chaincodes "$ch"
}

# redefine_chaincodes CHANNEL: a new sequence of every chaincode committed on CHANNEL, with the collections and
# endorsement policy of its current members; each member installs the package (a newcomer has none) and approves.
redefine_chaincodes() {
  local ch=$1 cc org pkg pid version
  for cc in $(deployed_on "$ch"); do
    version=$(cat "$RUN_DIR/chaincode/$cc/version")
    pkg="$RUN_DIR/chaincode/$cc/$version/${cc}_$version.tgz"
    pid=$(cat "$RUN_DIR/chaincode/$cc/package-id")
    for org in ${CHANNEL_ORGS[$ch]}; do install_package "$org" "$pkg" "$pid"; done
    REDEFINE=1 define_on_channel "$ch" "$cc" "$version" "$pid"
    sort -u -o "$RUN_DIR/deployed/$ch" "$RUN_DIR/deployed/$ch"
  done
  write_network_json
}

# leave_member CHANNEL ORG: after the update removing ORG: the remaining members' new definitions. Fabric refuses a
# definition that drops a collection ("existing collection … missing"), so ORG's pair collections stay in it, retired:
# no new data reaches them (ORG can no longer endorse), and its partners keep what they hold. Its peer keeps what it had
# but receives nothing more of the channel.
leave_member() {
  local ch=$1 org
  org=$(org_key "$2")
  local before; before=$(channel_collections "$ch")
  record_members "$ch"
  mkdir -p "$RUN_DIR/retired"
  { cat "$RUN_DIR/retired/$ch" 2>/dev/null || true; comm -23 <(LC_ALL=C sort <<<"$before") <(channel_collections "$ch" | LC_ALL=C sort); } |
    { grep -v '^$' || true; } | LC_ALL=C sort -u >"$RUN_DIR/retired/$ch.new"
  mv "$RUN_DIR/retired/$ch.new" "$RUN_DIR/retired/$ch"
  channel_has_org "$ch" "$org" && die "${MSP[$org]} is still in $ch's configuration: sign and submit the removal first"
  redefine_chaincodes "$ch"
}

# default_signers CHANNEL [EXCEPT]: the first majority of the channel's members (EXCEPT, the leaving one, last).
default_signers() {
  local ch=$1 except=${2:-} n o out=()
  n=$(majority "$ch")
  for o in ${CHANNEL_ORGS[$ch]}; do [ "$o" != "$except" ] && out+=("$o"); done
  [ -n "$except" ] && out+=("$except")
  echo "${out[@]:0:$n}"
}

# change_member add|remove CHANNEL ORG [MSP_DIR]: the whole change, signed by SIGNERS (org keys; default a majority).
change_member() {
  local op=$1 ch=$2 org signers file s first=""
  org=$(org_key "$3")
  [ -n "${CHANNEL_ORGS[$ch]:-}" ] || die "unknown channel '$ch' (known: ${!CHANNEL_ORGS[*]})"
  signers=${SIGNERS:-$(default_signers "$ch" "$([ "$op" = remove ] && echo "$org")")}
  file="$RUN_DIR/config-update-$ch-$op-$org.pb"
  config_update "$op" "$ch" "$org" "$file" "${4:-}"
  if [ -f "$file" ]; then
    # SIGNERS items are org keys, or org:User to sign as another user than the admin (refused by the orderer).
    for s in $signers; do
      if [ -z "$first" ]; then first=$s; continue; fi
      if [[ $s == *:* ]]; then sign_update "$file" "${s%%:*}" "${s#*:}"; else sign_update "$file" "$s"; fi
    done
    submit_update "$ch" "$file" "${first:-$(default_signers "$ch")}"
  fi
  if [ "$op" = add ]; then join_member "$ch" "$org"; else leave_member "$ch" "$org"; fi
  log "$ch: ${MSP[$org]} $([ "$op" = add ] && echo joined || echo left); members now ${CHANNEL_ORGS[$ch]}"
}
