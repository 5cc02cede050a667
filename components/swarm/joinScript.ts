/** A comment line that identifies the join script, so it removes only itself. */
export const joinScriptMarker = "azure-docker-host swarm join script";

/**
 * The script the scale set's CustomScript extension runs (as root) on every worker: waits for
 * cloud-init to install Docker, then joins the swarm through the Engine API on the local socket.
 * The token travels in protected settings, reaches the API on stdin (never on a command line, where
 * `ps` would show it), and the script deletes its own file, which the handler would keep. It is
 * idempotent: a node already in a swarm is left as it is. A manager that cannot be reached fails the
 * extension with the address tried and Docker's answer.
 */
export function joinScript(managerAddress: string, token: string, attempts = 30): string {
    if (!/^[0-9.]+:\d+$/.test(managerAddress) || !/^[A-Za-z0-9-]+$/.test(token)) {
        throw new Error("the manager address must be ip:port and the token a swarm join token");
    }
    return `#!/bin/sh
# ${joinScriptMarker}: joins this VM to the swarm as a worker.
set -eu
cleanup() {
  if [ -f "$0" ] && grep -q '${joinScriptMarker}' "$0" 2>/dev/null; then rm -f -- "$0"; fi
}
trap cleanup EXIT
manager='${managerAddress}'
api() { curl -sS --unix-socket /var/run/docker.sock "$@"; }

cloud-init status --wait >/dev/null || echo "cloud-init reported errors; continuing" >&2
waited=0
until api http://localhost/_ping >/dev/null 2>&1; do
  waited=$((waited + 1))
  if [ "$waited" -ge 60 ]; then
    echo "Docker did not start on this worker: see journalctl -u docker" >&2
    exit 1
  fi
  sleep 5
done

state=$(api http://localhost/info | python3 -c 'import json, sys; print(json.load(sys.stdin).get("Swarm", {}).get("LocalNodeState", ""))')
case "$state" in
  active | pending)
    echo "already part of a swarm ($state)"
    exit 0
    ;;
esac

# printf is the shell's own: the token is in no process's arguments.
request='{"ListenAddr": "0.0.0.0:2377", "RemoteAddrs": ["${managerAddress}"], "JoinToken": "${token}"}'
answer=$(mktemp)
attempt=0
while :; do
  attempt=$((attempt + 1))
  status=$(printf '%s' "$request" | api -o "$answer" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @- http://localhost/swarm/join) || status=000
  if [ "$status" = 200 ]; then
    echo "joined the swarm managed at $manager"
    rm -f "$answer"
    exit 0
  fi
  if [ "$attempt" -ge ${attempts} ]; then
    echo "could not join the swarm managed at $manager after $attempt attempts: HTTP $status $(cat "$answer")" >&2
    rm -f "$answer"
    exit 1
  fi
  sleep 10
done
`;
}
