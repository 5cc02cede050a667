// A nested module whose path lies under github.com/terraform-providers/terraform-provider-docker (the
// module path kreuzwerker/terraform-provider-docker declares), so that Go's "internal" rule lets it import
// the upstream's internal/provider package. Our own file; the upstream comes unchanged from the proxy.
module github.com/terraform-providers/terraform-provider-docker/shim

go 1.25.8

require (
	github.com/hashicorp/terraform-plugin-sdk/v2 v2.40.1
	github.com/terraform-providers/terraform-provider-docker v0.0.0
)
