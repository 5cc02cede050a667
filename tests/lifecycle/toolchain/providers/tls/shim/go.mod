// A nested module whose path lies under github.com/hashicorp/terraform-provider-tls, so that Go's
// "internal" rule lets it import the upstream's internal/provider package. It is our own file; the
// upstream module itself comes unchanged from the Go module proxy.
module github.com/hashicorp/terraform-provider-tls/shim

go 1.25.8

require (
	github.com/hashicorp/terraform-plugin-framework v1.19.0
	github.com/hashicorp/terraform-provider-tls v1.2.1-0.20260819085117-d044ca7c6f52
)
