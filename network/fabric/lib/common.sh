# Shared by network.sh and its helpers: the consortium's topology (network/TOPOLOGY.md), paths, logging,
# crypto and channel artefacts, chaincode packages, collection configs and .run/network.json.
# Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
FABRIC_DIR="$ROOT/network/fabric"
RUN_DIR="${RESTCOMM_FABRIC_RUN_DIR:-$ROOT/.run/fabric}"
NETWORK_JSON="$ROOT/.run/network.json"
CRYPTO="$RUN_DIR/crypto"
ARTEFACTS="$RUN_DIR/config"

# --- topology ------------------------------------------------------------------------------
ORGS=(org1 org2 org3 regulator)
declare -A MSP=([org1]=Org1MSP [org2]=Org2MSP [org3]=Org3MSP [regulator]=RegulatorMSP)
declare -A DOMAIN=([org1]=org1.example.com [org2]=org2.example.com [org3]=org3.example.com [regulator]=regulator.example.com)
declare -A PEER_PORT=([org1]=7051 [org2]=9051 [org3]=11051 [regulator]=13051)
# Ports a peer needs besides its own (chaincode listener, operations); network/TOPOLOGY.md's 17500-17999.
declare -A PEER_CC_PORT=([org1]=17521 [org2]=17522 [org3]=17523 [regulator]=17524)
declare -A PEER_OPS_PORT=([org1]=17511 [org2]=17512 [org3]=17513 [regulator]=17514)
# Operators can write; the regulator only reads.
declare -A OPERATOR=([org1]=1 [org2]=1 [org3]=1)
# Operators that may join a consortium later (network.sh add-member): crypto material from the start, no peer and no
# channel until they join. Once one has joined a channel its peer runs and it is one of ORGS.
CANDIDATE_ORGS=(org4)
MSP[org4]=Org4MSP DOMAIN[org4]=org4.example.com PEER_PORT[org4]=15051 PEER_CC_PORT[org4]=17525 PEER_OPS_PORT[org4]=17515
OPERATOR[org4]=1

ORDERER_PORT=7050
ORDERER_ADMIN_PORT=7053
ORDERER_OPS_PORT=17500

# roaming-apac is a second roaming consortium with another membership (Org2 and Org3 only).
CHANNELS=(roaming-emea roaming-apac eir numbers audit)
declare -A CHANNEL_PROFILE=([roaming-emea]=RoamingEmea [roaming-apac]=RoamingApac [eir]=Eir [numbers]=Numbers [audit]=Audit)
declare -A CHANNEL_ORGS=(
  [roaming-emea]="org1 org2 org3"
  [roaming-apac]="org2 org3"
  [eir]="org1 org2 org3 regulator"
  [numbers]="org1 org2 org3 regulator"
  [audit]="org1 org2 org3 regulator")

# Membership changed since the channels were created (network.sh add-member / remove-member): $RUN_DIR/members/<channel>
# holds the channel's organisations now, $RUN_DIR/joined/<org> marks a candidate whose peer has joined a channel.
for _f in "$RUN_DIR"/members/*; do [ -f "$_f" ] && CHANNEL_ORGS[$(basename "$_f")]=$(cat "$_f"); done
for _o in "${CANDIDATE_ORGS[@]}"; do [ -f "$RUN_DIR/joined/$_o" ] && ORGS+=("$_o"); done
unset _f _o

# Chaincodes: the channels each one is defined on, and its chaincode server port (native mode).
declare -A CC_CHANNELS=(
  [example]="roaming-emea eir numbers audit"
  [eir]="eir"
  [roaming]="roaming-emea roaming-apac"
  [numbers]="numbers"
  [audit]="audit")
declare -A CC_PORT=([example]=7301 [eir]=7302 [roaming]=7303 [numbers]=7304 [audit]=7305)
# Extra environment of a chaincode server. cryptogen certificates carry no Fabric CA attributes, so the
# roaming chaincode lets any client of a party act in both roles here (a CA-enrolled network drops this). Its
# settlement contract needs the channel's members (governance majority, account holders, jurors); a dispute's commit
# and reveal windows may be as short as 10 s (the contract's default is an hour), so a vote resolves within a test.
declare -A CC_ENV=([roaming]="ROAMING_ROLE_ATTRIBUTES=false SETTLEMENT_MEMBER_MSPS=roaming-emea=Org1MSP,Org2MSP,Org3MSP;roaming-apac=Org2MSP,Org3MSP SETTLEMENT_MIN_VOTE_SECONDS=10")
declare -A CC_PROJECT=(
  [example]=chaincode/Restcomm.Chaincode.Example
  [eir]=chaincode/Restcomm.Chaincode.Eir
  [roaming]=chaincode/Restcomm.Chaincode.Roaming
  [numbers]=chaincode/Restcomm.Chaincode.Numbers
  [audit]=chaincode/Restcomm.Chaincode.Audit)

# Any two of the channel's operators' peers endorse (both on roaming-apac); the regulator's peer never does. Two, not a
# majority, so a pair of partners can still endorse their own agreement once a fourth operator has joined.

# The peering chaincode (interconnection details under time-limited grants) on roaming-emea: one peer endorses, as
# only an operator's own peers hold its implicit collection (_implicit_org_<MSP>, its profile); its profile and grant
# records carry key-level policies naming the owner's (the seller's) peer. Deploy it with `network.sh deploy peering`
# or CHAINCODES="... peering".
CC_CHANNELS[peering]="roaming-emea"
CC_PORT[peering]=7307
CC_PROJECT[peering]=chaincode/Restcomm.Chaincode.Peering
# The chaincode-level endorsement policy of NAME on CHANNEL: OutOf(2, the channel operators' peers), or for peering OR
# of them.
endorsement_policy() {
  local peers=() msp
  for msp in $(channel_operators "$2"); do peers+=("'$msp.peer'"); done
  local list; list=$(IFS=,; echo "${peers[*]}")
  if [ "$1" = peering ]; then echo "OR($list)"; else echo "OutOf($(( ${#peers[@]} < 2 ? ${#peers[@]} : 2 )),$list)"; fi
}

# --- mode ----------------------------------------------------------------------------------
# A network started natively is also stopped natively, whether or not FABRIC_BIN is still set:
# `down` without it must not take the Docker path and leave the processes running.
if [ -n "${FABRIC_BIN:-}" ] || [ -d "$RUN_DIR/pids" ]; then MODE=native; else MODE=docker; fi
DOCKER_NETWORK=restcomm_fabric
TOOLS_IMAGE="${FABRIC_TOOLS_IMAGE:-hyperledger/fabric-tools:2.5}"

log() { printf '[fabric] %s\n' "$*" >&2; }
die() { printf '[fabric] error: %s\n' "$*" >&2; exit 1; }

# Where a node is reached from the other nodes and from the CLI.
peer_host() { if [ "$MODE" = native ]; then echo 127.0.0.1; else echo "peer0.${DOMAIN[$1]}"; fi; }
peer_endpoint() { echo "$(peer_host "$1"):${PEER_PORT[$1]}"; }
orderer_host() { if [ "$MODE" = native ]; then echo 127.0.0.1; else echo orderer.example.com; fi; }
orderer_endpoint() { echo "$(orderer_host):$ORDERER_PORT"; }
chaincode_address() {
  if [ "$MODE" = native ]; then echo "127.0.0.1:${CC_PORT[$1]}"; else echo "$1-chaincode:${CC_PORT[$1]}"; fi
}

org_dir() { echo "$CRYPTO/peerOrganizations/${DOMAIN[$1]}"; }
peer_dir() { echo "$(org_dir "$1")/peers/peer0.${DOMAIN[$1]}"; }
admin_msp() { echo "$(org_dir "$1")/users/Admin@${DOMAIN[$1]}/msp"; }
tlsca_cert() { echo "$(org_dir "$1")/tlsca/tlsca.${DOMAIN[$1]}-cert.pem"; }
ORDERER_ORG_DIR="$CRYPTO/ordererOrganizations/example.com"
ORDERER_DIR="$ORDERER_ORG_DIR/orderers/orderer.example.com"
ORDERER_TLSCA="$ORDERER_ORG_DIR/tlsca/tlsca.example.com-cert.pem"
ORDERER_ADMIN_TLS="$ORDERER_ORG_DIR/users/Admin@example.com/tls"

# fabric_tool TOOL [ARGS...]: runs a Fabric CLI (peer, osnadmin, configtxgen, cryptogen) with the
# environment in the array TOOL_ENV ("NAME=value" items). Native: FABRIC_BIN's binary. Docker: the
# fabric-tools image on the network's bridge, with the repository mounted at the same path so every
# path means the same thing inside and out.
TOOL_ENV=()
fabric_tool() {
  local tool=$1; shift
  if [ "$MODE" = native ]; then
    env FABRIC_CFG_PATH="$FABRIC_CFG" "${TOOL_ENV[@]}" "$FABRIC_BIN/$tool" "$@"
  else
    local args=() e
    for e in "${TOOL_ENV[@]}"; do args+=(-e "$e"); done
    # Generators run before the network exists; only the clients need to reach the nodes.
    case "$tool" in cryptogen | configtxgen) ;; *) args+=(--network "$DOCKER_NETWORK") ;; esac
    docker run --rm -v "$ROOT:$ROOT" -w "$ROOT" \
      -u "$(id -u):$(id -g)" "${args[@]}" "$TOOLS_IMAGE" "$tool" "$@"
  fi
}

# PEER_CLIENT_AUTH=true makes every peer require a TLS client certificate (mutual TLS on the Gateway,
# Deliver and lifecycle endpoints); clients then present their user's tls/client.crt.
peer_client_auth() { [ "${PEER_CLIENT_AUTH:-false}" = true ]; }
# Every org's TLS CA, space separated: the client certificates a peer accepts under PEER_CLIENT_AUTH.
all_tlsca_certs() { local org; for org in "${ORGS[@]}"; do printf '%s ' "$(tlsca_cert "$org")"; done; }

# as_admin ORG: sets TOOL_ENV so `peer` acts as ORG's admin against ORG's peer.
as_admin() {
  TOOL_ENV=(
    CORE_PEER_LOCALMSPID="${MSP[$1]}"
    CORE_PEER_MSPCONFIGPATH="$(admin_msp "$1")"
    CORE_PEER_ADDRESS="$(peer_endpoint "$1")"
    CORE_PEER_TLS_ENABLED=true
    CORE_PEER_TLS_ROOTCERT_FILE="$(peer_dir "$1")/tls/ca.crt"
  )
  if peer_client_auth; then
    local tls
    tls="$(org_dir "$1")/users/Admin@${DOMAIN[$1]}/tls"
    TOOL_ENV+=(CORE_PEER_TLS_CLIENTAUTHREQUIRED=true CORE_PEER_TLS_CLIENTCERT_FILE="$tls/client.crt" CORE_PEER_TLS_CLIENTKEY_FILE="$tls/client.key")
  fi
}

# Arguments every command that talks to the orderer needs.
orderer_args() {
  echo "-o $(orderer_endpoint) --ordererTLSHostnameOverride orderer.example.com --tls --cafile $ORDERER_TLSCA"
}

# wait_for_port HOST PORT SECONDS [PID]: waits until something accepts connections; fails early
# if PID (the process expected to listen) has exited.
wait_for_port() {
  local host=$1 port=$2 seconds=$3 pid=${4:-} i
  for ((i = 0; i < seconds * 5; i++)); do
    if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.2
  done
  return 1
}

# retry N SECONDS COMMAND...: runs COMMAND until it succeeds, at most N times.
retry() {
  local n=$1 pause=$2 i; shift 2
  for ((i = 1; i <= n; i++)); do
    if "$@"; then return 0; fi
    [ "$i" -lt "$n" ] && sleep "$pause"
  done
  return 1
}

# --- artefacts -----------------------------------------------------------------------------
generate_crypto() {
  log "generating crypto material (cryptogen, NodeOUs on)"
  rm -rf "$CRYPTO"
  mkdir -p "$CRYPTO"
  TOOL_ENV=()
  fabric_tool cryptogen generate --config="$FABRIC_DIR/crypto-config.yaml" --output="$CRYPTO" >/dev/null
  # network/TOPOLOGY.md names every user's certificate signcerts/cert.pem; cryptogen names it after the user.
  # (An MSP reads whatever file is in signcerts, so renaming changes nothing for Fabric.)
  local cert
  for cert in "$CRYPTO"/*Organizations/*/users/*/msp/signcerts/*-cert.pem; do
    mv "$cert" "$(dirname "$cert")/cert.pem"
  done
}

# The configtx.yaml template with this mode's endpoints filled in, next to the crypto material.
render_configtx() {
  mkdir -p "$ARTEFACTS"
  local o
  sed -e "s|\${ORDERER_HOST}|$(orderer_host)|g" -e "s|\${ORDERER_PORT}|$ORDERER_PORT|g" \
    -e "s|\${ORG1_PEER_HOST}|$(peer_host org1)|g" -e "s|\${ORG1_PEER_PORT}|${PEER_PORT[org1]}|g" \
    -e "s|\${ORG2_PEER_HOST}|$(peer_host org2)|g" -e "s|\${ORG2_PEER_PORT}|${PEER_PORT[org2]}|g" \
    -e "s|\${ORG3_PEER_HOST}|$(peer_host org3)|g" -e "s|\${ORG3_PEER_PORT}|${PEER_PORT[org3]}|g" \
    -e "s|\${REGULATOR_PEER_HOST}|$(peer_host regulator)|g" -e "s|\${REGULATOR_PEER_PORT}|${PEER_PORT[regulator]}|g" \
    "$FABRIC_DIR/configtx.yaml" > "$ARTEFACTS/configtx.yaml"
  if o=$(grep -v '^ *#' "$ARTEFACTS/configtx.yaml" | grep -n '\${'); then die "unfilled placeholder in configtx.yaml: $o"; fi
}

generate_channel_blocks() {
  render_configtx
  local ch
  for ch in "${CHANNELS[@]}"; do
    log "channel $ch: genesis block (profile ${CHANNEL_PROFILE[$ch]})"
    TOOL_ENV=()
    fabric_tool configtxgen -configPath "$ARTEFACTS" -profile "${CHANNEL_PROFILE[$ch]}" \
      -channelID "$ch" -outputBlock "$ARTEFACTS/$ch.block" 2>"$ARTEFACTS/configtxgen-$ch.log" ||
      { cat "$ARTEFACTS/configtxgen-$ch.log" >&2; die "configtxgen failed for $ch"; }
  done
}

# Operators of a channel, and the pairwise collection names on it (MSP IDs sorted ordinally).
channel_operators() { local o; for o in ${CHANNEL_ORGS[$1]}; do [ -n "${OPERATOR[$o]:-}" ] && echo "${MSP[$o]}"; done; }
channel_collections() {
  case "$1" in roaming-*) ;; *) return 0 ;; esac
  local msps i j
  mapfile -t msps < <(channel_operators "$1" | LC_ALL=C sort)
  for ((i = 0; i < ${#msps[@]}; i++)); do
    for ((j = i + 1; j < ${#msps[@]}; j++)); do echo "pair-${msps[i]}-${msps[j]}"; done
  done
}

# Collection config for CHANNEL [CHAINCODE]: one member-only collection per pair of operators. Fabric
# adds each org's implicit collection (_implicit_org_<MSPID>) itself. The roaming chaincode's pair
# collections also carry an endorsement policy naming both operators' peers, so what one operator
# writes into a pair's collection (agreements, usage records, statements) is endorsed by both.
# Prints the file, or nothing when the channel has no collections.
collections_config() {
  local ch=$1 cc=${2:-} names name a b first=1 file="$ARTEFACTS/collections-$1${2:+-$2}.json"
  if [ "$cc" = audit ]; then
    disclosure_collections_config "$ch" "$file"
    echo "$file"
    return 0
  fi
  # Fabric never lets a definition drop a collection, nor name an organisation outside the channel in one, so the pairs
  # of an organisation that left stay, retired: the remaining partner alone is their member and keeps what they hold.
  local current
  current=" $(channel_operators "$ch" | tr '\n' ' ')"
  mapfile -t names < <({ channel_collections "$ch"; cat "$RUN_DIR/retired/$ch" 2>/dev/null || true; } | LC_ALL=C sort -u)
  [ "${#names[@]}" -gt 0 ] || return 0
  {
    echo "["
    for name in "${names[@]}"; do
      a=${name#pair-}; b=${a#*-}; a=${a%%-*}
      [ $first = 1 ] || echo ","
      first=0
      if [[ $current != *" $a "* || $current != *" $b "* ]]; then
        [[ $current == *" $a "* ]] || a=$b
        printf '  {\n    "name": "%s",\n    "policy": "OR('"'"'%s.member'"'"')",\n' "$name" "$a"
        printf '    "requiredPeerCount": 0,\n    "maxPeerCount": 1,\n    "blockToLive": 0,\n    "memberOnlyRead": true,\n    "memberOnlyWrite": true\n  }'
        continue
      fi
      printf '  {\n    "name": "%s",\n    "policy": "OR('"'"'%s.member'"'"', '"'"'%s.member'"'"')",\n' "$name" "$a" "$b"
      if [ "$cc" = roaming ]; then
        # Both members' peers endorse every write (the policy below) and each keeps what it simulated, so sending it to
        # the other at endorsement is redundant; on Fabric 2.5 peers that dissemination (gossip formats each private
        # message for its debug log, even with debug off) was half of an endorsing peer's CPU during TAP ingestion.
        # Another peer of a member organisation pulls the data when it commits the block.
        printf '    "requiredPeerCount": 0,\n    "maxPeerCount": 0,\n    "blockToLive": 0,\n'
      else
        printf '    "requiredPeerCount": 0,\n    "maxPeerCount": 1,\n    "blockToLive": 0,\n'
      fi
      if [ "$cc" = roaming ]; then
        printf '    "endorsementPolicy": { "signaturePolicy": "AND('"'"'%s.peer'"'"', '"'"'%s.peer'"'"')" },\n' "$a" "$b"
      elif [ "$cc" = peering ]; then
        # A grant's copy is written by the seller's peer alone (it alone holds the seller's profile).
        printf '    "endorsementPolicy": { "signaturePolicy": "OR('"'"'%s.peer'"'"', '"'"'%s.peer'"'"')" },\n' "$a" "$b"
      fi
      printf '    "memberOnlyRead": true,\n    "memberOnlyWrite": true\n  }'
    done
    echo
    echo "]"
  } > "$file"
  echo "$file"
}

# disclosure_collections_config CHANNEL FILE: the audit chaincode's collections, one per operator (disclosure-<MSPID>),
# whose members are the operator and the channel's read-only organisations (the regulator): what an operator discloses
# of its signed roaming statements is written with its own peer's endorsement alone and read by it and the regulator.
disclosure_collections_config() {
  local ch=$1 file=$2 o op members first=1
  local readers=()
  for o in ${CHANNEL_ORGS[$ch]}; do [ -n "${OPERATOR[$o]:-}" ] || readers+=("${MSP[$o]}"); done
  {
    echo "["
    for op in $(channel_operators "$ch"); do
      [ $first = 1 ] || echo ","
      first=0
      members="'$op.member'"
      for o in "${readers[@]}"; do members+=", '$o.member'"; done
      printf '  {\n    "name": "disclosure-%s",\n    "policy": "OR(%s)",\n' "$op" "$members"
      printf '    "requiredPeerCount": 0,\n    "maxPeerCount": 1,\n    "blockToLive": 0,\n'
      printf '    "endorsementPolicy": { "signaturePolicy": "OR('"'"'%s.peer'"'"')" },\n' "$op"
      printf '    "memberOnlyRead": true,\n    "memberOnlyWrite": true\n  }'
    done
    echo
    echo "]"
  } > "$file"
}

# package_chaincode NAME VERSION: a ccaas package (metadata.json + code.tar.gz holding
# connection.json) with a reproducible hash; prints its path.
package_chaincode() {
  local cc=$1 version=$2 dir="$RUN_DIR/chaincode/$1/$2"
  local label="${cc}_${version}"
  rm -rf "$dir"; mkdir -p "$dir/src"
  if chaincode_tls; then
    local user="$CHAINCODE_ORG_DIR/users/User1@chaincode.example.com/tls"
    cat > "$dir/src/connection.json" <<JSON
{
  "address": "$(chaincode_address "$cc")",
  "dial_timeout": "10s",
  "tls_required": true,
  "client_auth_required": true,
  "client_key": "$(json_pem "$user/client.key")",
  "client_cert": "$(json_pem "$user/client.crt")",
  "root_cert": "$(json_pem "$CHAINCODE_ORG_DIR/tlsca/tlsca.chaincode.example.com-cert.pem")"
}
JSON
  else
    cat > "$dir/src/connection.json" <<JSON
{
  "address": "$(chaincode_address "$cc")",
  "dial_timeout": "10s",
  "tls_required": false
}
JSON
  fi
  printf '{"type":"ccaas","label":"%s"}\n' "$label" > "$dir/src/metadata.json"
  local tar_opts=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0)
  tar -C "$dir/src" "${tar_opts[@]}" -cf - connection.json | gzip -n > "$dir/src/code.tar.gz"
  tar -C "$dir/src" "${tar_opts[@]}" -cf - metadata.json code.tar.gz | gzip -n > "$dir/$label.tgz"
  echo "$dir/$label.tgz"
}

# The peer-to-chaincode link uses mutual TLS unless CHAINCODE_TLS=false.
chaincode_tls() { [ "${CHAINCODE_TLS:-true}" != false ]; }
CHAINCODE_ORG_DIR="$CRYPTO/peerOrganizations/chaincode.example.com"
chaincode_tls_dir() { echo "$CHAINCODE_ORG_DIR/peers/$1.chaincode.example.com/tls"; }

# A PEM file as the body of a JSON string (newlines escaped).
json_pem() { awk '{ printf "%s\\n", $0 }' "$1"; }

package_id() { local f=$1 label; label=$(basename "$f" .tgz); echo "$label:$(sha256sum "$f" | cut -d' ' -f1)"; }

# --- .run/network.json ---------------------------------------------------------------------
# DEPLOYED_<channel> lists the chaincodes committed on each channel (kept in $RUN_DIR/deployed).
write_network_json() {
  local org user admin first=1 ch cc cols
  mkdir -p "$(dirname "$NETWORK_JSON")"
  {
    printf '{\n  "kind": "fabric",\n  "mode": "%s",\n' "$MODE"
    printf '  "orderer": { "endpoint": "127.0.0.1:%s", "adminEndpoint": "127.0.0.1:%s", "tlsRootCertFile": "%s", "tlsServerName": "orderer.example.com" },\n' \
      "$ORDERER_PORT" "$ORDERER_ADMIN_PORT" "$ORDERER_TLSCA"
    printf '  "orgs": [\n'
    for org in "${ORGS[@]}"; do
      user="$(org_dir "$org")/users/User1@${DOMAIN[$org]}/msp"
      admin="$(org_dir "$org")/users/Admin@${DOMAIN[$org]}/msp"
      [ $first = 1 ] || printf ',\n'
      first=0
      printf '    {\n      "mspId": "%s",\n      "gatewayEndpoint": "127.0.0.1:%s",\n' "${MSP[$org]}" "${PEER_PORT[$org]}"
      printf '      "tlsRootCertFile": "%s",\n      "tlsServerName": "peer0.%s",\n' "$(tlsca_cert "$org")" "${DOMAIN[$org]}"
      printf '      "clientCertFile": "%s",\n      "clientKeyFile": "%s",\n' "$user/signcerts/cert.pem" "$user/keystore/priv_sk"
      printf '      "adminCertFile": "%s",\n      "adminKeyFile": "%s",\n' "$admin/signcerts/cert.pem" "$admin/keystore/priv_sk"
      if peer_client_auth; then
        printf '      "tlsClientCertFile": "%s",\n      "tlsClientKeyFile": "%s",\n' "${user%/msp}/tls/client.crt" "${user%/msp}/tls/client.key"
      fi
      printf '      "role": "%s"\n    }' "$([ -n "${OPERATOR[$org]:-}" ] && echo operator || echo regulator)"
    done
    printf '\n  ],\n  "channels": [\n'
    first=1
    for ch in "${CHANNELS[@]}"; do
      [ $first = 1 ] || printf ',\n'
      first=0
      printf '    { "name": "%s", "members": [%s],\n' "$ch" "$(json_list $(for o in ${CHANNEL_ORGS[$ch]}; do echo "${MSP[$o]}"; done))"
      printf '      "readers": [%s],\n' "$(json_list $(for o in ${CHANNEL_ORGS[$ch]}; do [ -z "${OPERATOR[$o]:-}" ] && echo "${MSP[$o]}"; done))"
      cols=$(json_list $(channel_collections "$ch"))
      printf '      "chaincodes": [%s], "collections": [%s] }' "$(json_list $(deployed_on "$ch"))" "$cols"
    done
    printf '\n  ],\n  "chaincodeServers": {'
    first=1
    for cc in $(deployed_chaincodes); do
      [ $first = 1 ] || printf ','
      first=0
      printf '\n    "%s": { "address": "%s", "packageId": "%s" }' "$cc" "$(chaincode_address "$cc")" "$(cat "$RUN_DIR/chaincode/$cc/package-id")"
    done
    printf '\n  }\n}\n'
  } > "$NETWORK_JSON.tmp"
  mv "$NETWORK_JSON.tmp" "$NETWORK_JSON"
}

json_list() { local first=1 x; for x in "$@"; do [ $first = 1 ] || printf ', '; first=0; printf '"%s"' "$x"; done; }
deployed_on() { [ -f "$RUN_DIR/deployed/$1" ] && LC_ALL=C sort -u "$RUN_DIR/deployed/$1" || true; }
deployed_chaincodes() { cat "$RUN_DIR"/deployed/* 2>/dev/null | LC_ALL=C sort -u || true; }
