#!/usr/bin/env bash
# The consortium's real Fabric 2.5 network: one orderer (etcdraft, channel participation API),
# peers for Org1, Org2, Org3 and the regulator, channels roaming-emea, eir, numbers and audit, and
# the example, eir, roaming, numbers and audit chaincodes deployed as services.
#
#   network.sh up                      crypto, channels, peers, orderer, chaincodes (CHAINCODES, default "example eir roaming numbers audit")
#   network.sh down                    stops everything and removes .run/fabric
#   network.sh deploy NAME [VERSION]   deploys chaincode NAME as a service on its channels
#   network.sh upgrade NAME [VERSION]  new package and version, sequence + 1, restarted server
#   network.sh status                  what is running
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

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

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
  *) usage; exit 2 ;;
esac
