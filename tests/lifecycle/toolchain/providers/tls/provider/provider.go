// Package provider holds our mapping of the upstream Terraform TLS provider onto the Pulumi "tls" package,
// with the same tokens the @pulumi/tls npm SDK uses (tls:index/privateKey:PrivateKey, ...).
package provider

import (
	"github.com/hashicorp/terraform-provider-tls/shim"

	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
)

// Version is set at build time with -ldflags "-X <module>/provider.Version=5.6.1".
var Version = "0.0.0-dev"

// Provider maps every tls_* resource and data source to tls:index/<camelName>:<PascalName>.
// metadata is the bridge-metadata.json produced by the generator (nil on the first generation).
func Provider(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(shim.New()),
		Name:         "tls",
		Version:      Version,
		Description:  "A Pulumi package to create TLS resources in Pulumi programs.",
		Keywords:     []string{"pulumi", "tls"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-tls",
		GitHubOrg:    "hashicorp",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),

		// The upstream tls resources carry schema versions; state written by the official provider
		// records them, so honour them the same way.
		EnableZeroDefaultSchemaVersion: true,
		EnableAccurateBridgePreview:    true,
	}
	info.MustComputeTokens(tokens.SingleModule("tls_", "index", tokens.MakeStandard("tls")))
	return info
}
