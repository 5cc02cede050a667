import { workerDaemonJson } from "../host/daemonSettings";
import { BootConfig, daemonJsonPath, jsonFile } from "../host/userData";

export const leaveSwarmScriptPath = "/usr/local/sbin/azure-docker-host-leave-swarm";
export const leaveSwarmUnitPath = "/etc/systemd/system/azure-docker-host-leave-swarm.service";

/**
 * Watches Azure's scheduled events (the instance metadata service) and, when the scale set schedules
 * this VM's removal, leaves the swarm at once and tells Azure to go ahead: the manager then moves the
 * worker's tasks while the VM still exists, rather than noticing minutes later that a node died.
 * The scale set gives this chance through its terminate notification (5 minutes).
 */
export function leaveSwarmScript(imds = "http://169.254.169.254"): string {
    return `#!/bin/sh
# Leaves the swarm when Azure schedules this VM's removal (scale-in).
set -u
imds=${imds}/metadata
events="$imds/scheduledevents?api-version=2020-07-01"
name=""
until [ -n "$name" ]; do
  name=$(curl -sf -H Metadata:true "$imds/instance/compute/name?api-version=2021-02-01&format=text") || sleep 10
done
while :; do
  id=$(curl -sf -H Metadata:true "$events" | python3 -c '
import json, sys
name = sys.argv[1]
try:
    events = json.load(sys.stdin).get("Events", [])
except ValueError:
    events = []
print(next((e["EventId"] for e in events if e.get("EventType") == "Terminate" and name in e.get("Resources", [])), ""))
' "$name") || id=""
  if [ -n "$id" ]; then
    curl -sf --unix-socket /var/run/docker.sock -X POST "http://localhost/swarm/leave?force=false" >/dev/null || true
    curl -sf -H Metadata:true -H 'Content-Type: application/json' -X POST \\
      -d "{\\"StartRequests\\":[{\\"EventId\\":\\"$id\\"}]}" "$events" >/dev/null || true
    echo "left the swarm: Azure scheduled this VM's removal (event $id)"
    exit 0
  fi
  sleep 10
done
`;
}

const leaveSwarmUnit = `[Unit]
Description=Leave the Docker swarm when Azure schedules this VM's removal
After=docker.service network-online.target
Wants=network-online.target

[Service]
ExecStart=${leaveSwarmScriptPath}
Restart=on-failure
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

/**
 * The cloud-config a swarm worker boots with: Docker Engine from Ubuntu's archive with the host's
 * hardening (but no TCP port at all: workers are reached through the swarm, never directly), and
 * the watcher that leaves the swarm on scale-in. Workers hold no data: no data disk, no secret.
 */
export function workerBoot(): BootConfig {
    return {
        dataDisk: false,
        files: [
            jsonFile(daemonJsonPath, workerDaemonJson()),
            { path: leaveSwarmScriptPath, permissions: "0755", content: leaveSwarmScript() },
            { path: leaveSwarmUnitPath, permissions: "0644", content: leaveSwarmUnit },
        ],
        packages: ["docker.io", "curl"],
        commands: ["systemctl daemon-reload && systemctl enable --now azure-docker-host-leave-swarm.service"],
    };
}
