//go:build tools

// Package tools pins the Pulumi CLI, built from this module so that pkg/v3 and sdk/v3 resolve to
// one version (pkg/v3's go.mod points sdk/v3 at a sibling folder, so `go install` refuses it).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
