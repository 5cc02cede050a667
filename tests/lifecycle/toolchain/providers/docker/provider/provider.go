// Package provider is our Pulumi "docker" provider: the upstream Terraform docker provider (kreuzwerker)
// bridged with the tokens and property names of the @pulumi/docker 5.2.0 npm SDK, plus our own native
// implementation of docker:index/image:Image (image.go), which the SDK also exposes but which has no
// Terraform counterpart.
package provider

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/terraform-providers/terraform-provider-docker/shim"
)

// Version is set at build time with -ldflags "-X azure-docker-host/lifecycle/providers/docker/provider.Version=5.2.0".
var Version = "0.0.0-dev"

// Provider returns the bridge mapping. metadata is the bridge-metadata.json produced by the generator (nil
// on the first generation).
func Provider(metadata []byte) tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            shimv2.NewProvider(shim.New(Version)),
		Name:         "docker",
		Version:      Version,
		Description:  "A Pulumi package for interacting with Docker in Pulumi programs",
		Keywords:     []string{"pulumi", "docker"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-docker",
		GitHubOrg:    "kreuzwerker",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		Config: map[string]*tfbridge.SchemaInfo{
			"host": {Default: &tfbridge.DefaultInfo{EnvVars: []string{"DOCKER_HOST"}}},
			// A set in TF; the SDK calls it registryAuth (not pluralised) and takes a list.
			"registry_auth": {Name: "registryAuth", MaxItemsOne: tfbridge.False()},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"docker_container": {
				Tok: tfbridge.MakeResource("docker", "index", "Container"),
				// Container names are unique per daemon: a replacement must delete the old one first.
				DeleteBeforeReplace: true,
				Fields: map[string]*tfbridge.SchemaInfo{
					"command":           {Name: "command"},
					"networks_advanced": {Name: "networksAdvanced"},
				},
			},
			"docker_image": {
				Tok:    tfbridge.MakeResource("docker", "index", "RemoteImage"),
				Fields: map[string]*tfbridge.SchemaInfo{"name": {Name: "name"}},
			},
			"docker_registry_image": {Tok: tfbridge.MakeResource("docker", "index", "RegistryImage")},
			"docker_network":        {Tok: tfbridge.MakeResource("docker", "index", "Network")},
			"docker_volume":         {Tok: tfbridge.MakeResource("docker", "index", "Volume")},
			"docker_config":         {Tok: tfbridge.MakeResource("docker", "index", "ServiceConfig")},
			"docker_secret":         {Tok: tfbridge.MakeResource("docker", "index", "Secret")},
			"docker_service":        {Tok: tfbridge.MakeResource("docker", "index", "Service")},
			"docker_plugin":         {Tok: tfbridge.MakeResource("docker", "index", "Plugin")},
			"docker_tag":            {Tok: tfbridge.MakeResource("docker", "index", "Tag")},
			"docker_buildx_builder": {Tok: tfbridge.MakeResource("docker", "index", "BuildxBuilder")},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"docker_registry_image":           {Tok: tfbridge.MakeDataSource("docker", "index", "getRegistryImage")},
			"docker_network":                  {Tok: tfbridge.MakeDataSource("docker", "index", "getNetwork")},
			"docker_plugin":                   {Tok: tfbridge.MakeDataSource("docker", "index", "getPlugin")},
			"docker_image":                    {Tok: tfbridge.MakeDataSource("docker", "index", "getRemoteImage")},
			"docker_logs":                     {Tok: tfbridge.MakeDataSource("docker", "index", "getLogs")},
			"docker_registry_image_manifests": {Tok: tfbridge.MakeDataSource("docker", "index", "getRegistryImageManifests")},
		},
		ExtraTypes:     imageTypeSpecs(),
		ExtraResources: imageResourceSpec(),
	}
	// Resources with a "name" get an auto-name (<resource name>-<random suffix>) when none is given, as
	// the SDK does not require one.
	info.SetAutonaming(255, "-")
	return info
}
