#!/usr/bin/env bash
# Builds one bridged provider plugin from the Go module proxy: our generator makes the schema from the
# upstream Terraform provider (written beside the plugin's main, where it is embedded), then the
# plugin is built with it and with the version of the npm SDK that asks for it.
#   build.sh <tls|random|docker> <version> <output folder>
set -euo pipefail
name=$1 version=$2 out=$3
cd "$(dirname "${BASH_SOURCE[0]}")/$name"
ldflags="-X azure-docker-host/lifecycle/providers/${name}/provider.Version=${version}"
tags=()
# The upstream docker provider's plugin-framework half (docker_compose) is not in the 5.x SDK.
[ "$name" = docker ] && tags=(-tags=no_compose)
export GOFLAGS="-mod=readonly"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build "${tags[@]}" -ldflags "$ldflags" -o "$work/pulumi-tfgen-$name" "./cmd/pulumi-tfgen-$name"
upstream=$(go list -m -f '{{.Dir}}' "$(sed -n 's/^module //p' shim/go.mod | sed 's#/shim$##')" 2>/dev/null || true)
UPSTREAM_REPO_PATH="$upstream" "$work/pulumi-tfgen-$name" "./cmd/pulumi-resource-$name"
go build "${tags[@]}" -ldflags "$ldflags" -o "$out/pulumi-resource-$name" "./cmd/pulumi-resource-$name"
