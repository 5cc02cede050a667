#!/usr/bin/env bash
# Runs a command (the lifecycle suite) in a network and mount namespace of its own, as the emulated
# cloud: a bridge for the VMs' NICs with the harness at 203.0.113.1, and a hosts file, bound over
# /etc/hosts here only, through which the public IPs' DNS names resolve. Nothing the suite starts
# can reach or be reached from outside; everything it leaves behind goes with the namespaces.
set -euo pipefail
if [ "${ADH_LIFECYCLE_INSIDE:-}" != 1 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "the lifecycle suite needs root (network namespaces, loop devices, dockerd)" >&2; exit 1; }
    exec unshare --net --mount --propagation private env ADH_LIFECYCLE_INSIDE=1 "$0" "$@"
fi
ip link set lo up
ip link add adh-cloud type bridge
ip addr add 203.0.113.1/24 dev adh-cloud
ip link set adh-cloud up
ADH_AZURE_HOSTS=$(mktemp /tmp/adh-hosts-XXXXXX)
printf '127.0.0.1 localhost\n' > "$ADH_AZURE_HOSTS"
mount --bind "$ADH_AZURE_HOSTS" /etc/hosts
export ADH_AZURE_HOSTS
# `ip netns add` keeps its namespaces under /run/netns: a private one, gone with this namespace.
mkdir -p /run/netns
mount -t tmpfs adh-netns /run/netns
status=0
"$@" || status=$?
rm -f "$ADH_AZURE_HOSTS"
exit "$status"
