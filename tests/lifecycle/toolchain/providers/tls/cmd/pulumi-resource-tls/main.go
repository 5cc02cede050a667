// Command pulumi-resource-tls is the Pulumi resource plugin, serving the bridged upstream TLS provider
// with the schema our generator produced embedded.
package main

import (
	"context"
	_ "embed"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	"azure-docker-host/lifecycle/providers/tls/provider"
)

//go:embed schema-embed.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	pftfbridge.Main(context.Background(), "tls", provider.Provider(metadata),
		pftfbridge.ProviderMetadata{PackageSchema: schema, BridgeMetadata: metadata})
}
