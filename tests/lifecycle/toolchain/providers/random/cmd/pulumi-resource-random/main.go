// Command pulumi-resource-random is the Pulumi resource plugin, serving the bridged upstream random provider
// with the schema our generator produced embedded.
package main

import (
	"context"
	_ "embed"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"azure-docker-host/lifecycle/providers/random/provider"
)

//go:embed schema-embed.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	pftfbridge.Main(context.Background(), "random", provider.Provider(metadata),
		pftfbridge.ProviderMetadata{PackageSchema: schema, BridgeMetadata: metadata})
}
