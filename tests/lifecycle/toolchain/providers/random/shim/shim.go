// Package shim exposes the upstream random provider's constructor, which lives in an internal package.
package shim

import (
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// New returns the upstream terraform-provider-random plugin-framework provider.
func New() fwprovider.Provider { return upstream.New() }
