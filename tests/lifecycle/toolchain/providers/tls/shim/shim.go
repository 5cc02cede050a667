// Package shim exposes the upstream TLS provider's constructor, which lives in an internal package.
package shim

import (
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/hashicorp/terraform-provider-tls/internal/provider"
)

// New returns the upstream terraform-provider-tls plugin-framework provider.
func New() fwprovider.Provider { return upstream.New() }
