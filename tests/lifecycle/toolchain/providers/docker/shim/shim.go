// Package shim exposes the upstream docker provider's SDKv2 constructor, which lives in an internal package.
package shim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"

	upstream "github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// New returns the upstream SDKv2 provider (the resources the @pulumi/docker SDK maps: docker_container,
// docker_image, docker_network, docker_volume, ...). The upstream's plugin-framework half (docker_compose
// and a few data sources) is not part of the @pulumi/docker 5.2.0 SDK and is left out.
func New(version string) *schema.Provider { return upstream.New(version)() }
