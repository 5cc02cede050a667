// A nested module whose path lies under github.com/terraform-providers/terraform-provider-random, so that
// Go's "internal" rule lets it import the upstream's internal/provider package. It is our own file; the
// upstream module itself comes unchanged from the Go module proxy.
module github.com/terraform-providers/terraform-provider-random/shim

go 1.25.8

require (
	github.com/hashicorp/terraform-plugin-framework v1.19.0
	github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260824155315-e1092b0cfc07
)
