/** A comment line that identifies the join script, so it removes only itself. */
export const joinScriptMarker = "azure-docker-host swarm join script";

/** The environment variable through which Run Command hands the rejoin script its token. */
export const joinTokenVariable = "SWARM_JOIN_TOKEN";

export interface JoinScriptOptions {
    /** The token itself, written into the script (CustomScript's protected settings carry the whole script). */
    readonly token?: string;
    /** How often to try the manager, 10 s apart. */
    readonly attempts?: number;
    /**
     * Leave whatever swarm this VM believes it is in first. A worker the manager removed
     * (`docker node rm`) still reports itself active, so only this makes it join again.
     */
    readonly leaveFirst?: boolean;
}

/**
 * The script that joins a VM to the swarm as a worker, run as root through the Engine API on the
 * local socket. It waits for cloud-init to install Docker first. The token reaches the API on stdin,
 * never on a command line where `ps` would show it: either written into the script, which then
 * deletes its own file (the CustomScript handler would keep it), or, without `token`, from the
 * environment variable Run Command sets from a protected parameter (the handler keeps the script,
 * which then holds no secret). Without `leaveFirst` it is idempotent: a VM already in a swarm is
 * left as it is. A manager that cannot be reached fails it with the address tried and Docker's answer.
 */
export function joinScript(managerAddress: string, options: JoinScriptOptions = {}): string {
    const { token, attempts = 30, leaveFirst = false } = options;
    if (!/^[0-9.]+:\d+$/.test(managerAddress) || (token !== undefined && !/^[A-Za-z0-9-]+$/.test(token))) {
        throw new Error("the manager address must be ip:port and the token a swarm join token");
    }
    // The literal form is the one scale sets made by earlier releases carry: kept byte for byte.
    const tokenLines =
        token === undefined
            ? `token="\${${joinTokenVariable}:-}"
case "$token" in
  "" | *[!A-Za-z0-9-]*)
    echo "${joinTokenVariable} must hold the swarm's join token" >&2
    exit 2
    ;;
esac
`
            : "";
    const request =
        token === undefined
            ? `request="{\\"ListenAddr\\": \\"0.0.0.0:2377\\", \\"RemoteAddrs\\": [\\"$manager\\"], \\"JoinToken\\": \\"$token\\"}"`
            : `request='{"ListenAddr": "0.0.0.0:2377", "RemoteAddrs": ["${managerAddress}"], "JoinToken": "${token}"}'`;
    const stateLines = leaveFirst
        ? `# The manager may have removed this node while it still counts itself in: leave, then join anew.
left=$(api -o /dev/null -w '%{http_code}' -X POST 'http://localhost/swarm/leave?force=true') || left=000
case "$left" in
  200) echo "left the swarm this VM was in" ;;
  503) ;;
  *)
    echo "could not leave the swarm this VM was in: HTTP $left" >&2
    exit 1
    ;;
esac`
        : `state=$(api http://localhost/info | python3 -c 'import json, sys; print(json.load(sys.stdin).get("Swarm", {}).get("LocalNodeState", ""))')
case "$state" in
  active | pending)
    echo "already part of a swarm ($state)"
    exit 0
    ;;
esac`;
    return `#!/bin/sh
# ${joinScriptMarker}: joins this VM to the swarm as a worker.
set -eu
cleanup() {
  if [ -f "$0" ] && grep -q '${joinScriptMarker}' "$0" 2>/dev/null; then rm -f -- "$0"; fi
}
trap cleanup EXIT
manager='${managerAddress}'
${tokenLines}api() { curl -sS --unix-socket /var/run/docker.sock "$@"; }

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

${stateLines}

# printf is the shell's own: the token is in no process's arguments.
${request}
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
