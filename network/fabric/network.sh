#!/usr/bin/env bash
# The consortium's real Fabric 2.5 network: one orderer (etcdraft, channel participation API),
# peers for Org1, Org2, Org3 and the regulator, channels roaming-emea, roaming-apac, eir, numbers and audit, and
# the example, eir, roaming, numbers and audit chaincodes deployed as services.
#
#   network.sh up                      crypto, channels, peers, orderer, chaincodes (CHAINCODES, default "example eir roaming numbers audit")
#   network.sh down                    stops everything and removes .run/fabric
#   network.sh deploy NAME [VERSION]   deploys chaincode NAME as a service on its channels
#   network.sh upgrade NAME [VERSION]  new package and version, sequence + 1, restarted server
#   network.sh status                  what is running
#   network.sh add-member CHANNEL ORG [MSP_DIR]   ORG joins CHANNEL: config update signed by a majority of the members'
#                                      admins (SIGNERS="org1 org2" to choose), its peer joins, new chaincode definitions
#   network.sh remove-member CHANNEL ORG          the same to leave
#   network.sh config-update add|remove CHANNEL ORG FILE [MSP_DIR] / sign-update FILE ORG [USER] /
#   submit-update CHANNEL FILE ORG / join-member CHANNEL ORG / leave-member CHANNEL ORG   the same step by step
#
# With FABRIC_BIN=/path/to/fabric/bin the nodes run as native processes on 127.0.0.1 (config from
# FABRIC_CFG_PATH, default $FABRIC_BIN/../config); without it, docker compose runs the official
# images from the root docker-compose.yaml. State, logs and PIDs live in .run/fabric/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"
if [ "$MODE" = native ]; then source "$here/lib/native.sh"; else source "$here/lib/docker.sh"; fi
source "$here/lib/lifecycle.sh"
source "$here/lib/membership.sh"

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
native_only() { [ "$MODE" = native ] || die "membership changes run in native mode (FABRIC_BIN) only for now"; membership_check; }

status() {
  if [ "$MODE" = native ]; then
    local f n=0
    for f in "$RUN_DIR"/pids/*.pid; do
      [ -f "$f" ] || continue
      if kill -0 "$(cat "$f")" 2>/dev/null; then echo "running  $(basename "$f" .pid) (pid $(cat "$f"))"; n=$((n + 1));
      else echo "exited   $(basename "$f" .pid)"; fi
    done
    [ "$n" -gt 0 ]
  else
    compose ps
  fi
}

case "${1:-}" in
  up) if [ "$MODE" = native ]; then native_up; else docker_up; fi ;;
  down) if [ "$MODE" = native ]; then native_down; else docker_down; fi ;;
  deploy) [ -n "${2:-}" ] || die "usage: network.sh deploy NAME [VERSION]"; [ "$MODE" = docker ] || native_check; deploy_chaincode "$2" "${3:-}" ;;
  upgrade) [ -n "${2:-}" ] || die "usage: network.sh upgrade NAME [VERSION]"; [ "$MODE" = docker ] || native_check; upgrade_chaincode "$2" "${3:-}" ;;
  status) [ "$MODE" = docker ] || native_check; status ;;
  add-member | remove-member)
    [ -n "${3:-}" ] || die "usage: network.sh $1 CHANNEL ORG [MSP_DIR]"; native_only
    change_member "${1%-member}" "$2" "$3" "${4:-}" ;;
  config-update) [ -n "${5:-}" ] || die "usage: network.sh config-update add|remove CHANNEL ORG FILE [MSP_DIR]"; native_only
    config_update "$2" "$3" "$4" "$5" "${6:-}" ;;
  sign-update) [ -n "${3:-}" ] || die "usage: network.sh sign-update FILE ORG [USER]"; native_only; sign_update "$2" "$3" "${4:-}" ;;
  submit-update) [ -n "${4:-}" ] || die "usage: network.sh submit-update CHANNEL FILE ORG"; native_only; submit_update "$2" "$3" "$4" ;;
  join-member) [ -n "${3:-}" ] || die "usage: network.sh join-member CHANNEL ORG"; native_only; join_member "$2" "$3" ;;
  leave-member) [ -n "${3:-}" ] || die "usage: network.sh leave-member CHANNEL ORG"; native_only; leave_member "$2" "$3" ;;
  *) usage; exit 2 ;;
esac
