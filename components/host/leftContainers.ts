import { InstalledFile } from "./daemonScript";

/** The script docker.service runs after every start (ExecStartPost), and the drop-in that says so. */
export const startLeftContainersPath = "/usr/local/lib/azure-docker-host/start-left-containers";
export const startLeftContainersDropInPath =
    "/etc/systemd/system/docker.service.d/20-azure-docker-host-start-left-containers.conf";

/**
 * After each start of the daemon, starts the containers it should have restarted and did not.
 *
 * A container attached to a swarm-scoped network (the services' encrypted overlay, in a swarm) is
 * not started with the others when dockerd comes up: dockerd starts it once, after the swarm
 * component is ready, logs a failed start and never tries again (daemon.go, restartSwarmContainers;
 * moby/moby#32607 is that race, open). The lifecycle met it when a restored disk came up in swarm
 * mode: redis came back, mongodb stayed `Exited (255)`. After a clean reboot it met it again: the
 * overlay's anchor had exited 0 when Docker stopped, failed that one start and stayed exited with
 * the start's error (daemon/start.go records the error, sets 128 over a zero exit code and keeps
 * any other).
 *
 * It starts exactly what Docker's restore would have: a container whose restart policy is `always`
 * or `unless-stopped` and that is exited either with 255, which dockerd records for a container
 * that was running when its daemon went away, or with the error of a start that failed. A
 * container stopped by hand has no such error, whatever its exit code, and stays stopped. It
 * waits (45 s at most) for the swarm to settle, then tries five times, three seconds apart, and
 * names what it could not start. Bounded, and run as `ExecStartPost=-`, so it can delay
 * docker.service's start, never fail it.
 */
export function startLeftContainersScript(): string {
    return `#!/bin/sh
# azure-docker-host: starts the containers dockerd left exited after its own restart.
set -u
for _ in $(seq 1 15); do
  state=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) || state=unreachable
  case "$state" in
    active|inactive|error|locked) break ;;
  esac
  sleep 3
done
left_exited() {
  docker ps --all --quiet --no-trunc --filter status=exited |
    xargs -r docker inspect --format '{{.Id}} {{.HostConfig.RestartPolicy.Name}} {{.State.ExitCode}} {{.Name}} {{.State.Error}}' |
    awk '($3 == 255 || $5 != "") && ($2 == "always" || $2 == "unless-stopped") { print $1 " " $4 }'
}
for round in 1 2 3 4 5; do
  left=$(left_exited)
  if [ -z "$left" ]; then
    exit 0
  fi
  echo "$left" | while read -r id name; do
    if docker start "$id" >/dev/null; then
      echo "azure-docker-host: started $name, left exited by the daemon's restart (try $round)"
    fi
  done
  sleep 3
done
left=$(left_exited)
if [ -n "$left" ]; then
  echo "azure-docker-host: could not start what the daemon left exited: $(echo "$left" | awk '{ print $2 }' | tr '\\n' ' ')" >&2
  exit 1
fi
`;
}

/** The systemd drop-in that runs the script after each start of docker.service, its failure ignored. */
export function startLeftContainersDropIn(): string {
    return `[Service]\nExecStartPost=-${startLeftContainersPath}\n`;
}

/** What the host's provisioning installs for it, both provisioners alike. */
export function startLeftContainersFiles(): InstalledFile[] {
    return [
        { path: startLeftContainersPath, mode: "0755", content: startLeftContainersScript() },
        { path: startLeftContainersDropInPath, mode: "0644", content: startLeftContainersDropIn() },
    ];
}
