#!/usr/bin/env bash
# Builds the Pulumi toolchain the lifecycle tests run from the Go module proxy into .tools/pulumi/bin
# and prints that folder: the CLI, the Node.js language host, the tls, random and docker providers
# at the versions package.json's SDKs ask for, and the Docker Hub stand-in. A machine that already has a `pulumi` on PATH is not this script's concern: the
# lifecycle harness uses that CLI instead. Rebuilt only when a pinned version or a source changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
toolchain=tests/lifecycle/toolchain
out=.tools/pulumi
stamp_file="$out/stamp"

# The CLI's version is the SDK's: package.json pins @pulumi/pulumi, the tools module pins the Go modules.
sdk_version=$(node -p 'require("./package.json").dependencies["@pulumi/pulumi"]')
grep -q "github.com/pulumi/pulumi/pkg/v3 v${sdk_version}\$" "$toolchain/go.mod" || {
    echo "$toolchain/go.mod does not pin github.com/pulumi/pulumi/pkg/v3 v${sdk_version}, the @pulumi/pulumi of package.json" >&2
    exit 1
}

provider_version() { node -p "require('./package.json').dependencies['@pulumi/$1']"; }
providers="tls:$(provider_version tls) random:$(provider_version random) docker:$(provider_version docker)"

stamp=$( (go version; echo "$sdk_version $providers"; find "$toolchain" -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name '*.sh' \) -not -path '*/cmd/*/schema*' | sort | xargs sha256sum; sha256sum < "${BASH_SOURCE[0]}") | sha256sum | cut -d' ' -f1)
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    echo "$PWD/$out/bin"
    exit 0
fi

rm -rf "$out/bin"
mkdir -p "$out/bin"
export CGO_ENABLED=0 GOFLAGS=-mod=mod
started=$(date +%s)
(
    cd "$toolchain"
    go build -o "../../../$out/bin/pulumi" \
        -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${sdk_version}" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    go build -o "../../../$out/bin/pulumi-language-nodejs" -ldflags "-X main.version=${sdk_version}" ./languagehost
    cd registry && go build -o "../../../../$out/bin/registry-stand-in" .
) >&2
for provider in $providers; do
    bash "$toolchain/providers/build.sh" "${provider%%:*}" "${provider##*:}" "$PWD/$out/bin" >&2
done
echo "$stamp" > "$stamp_file"
echo "built the Pulumi toolchain in $(( $(date +%s) - started )) s" >&2
echo "$PWD/$out/bin"
