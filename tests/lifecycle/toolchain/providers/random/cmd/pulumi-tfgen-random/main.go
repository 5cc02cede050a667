// Command pulumi-tfgen-random is our schema generator: it runs the bridge's schema generation over the
// upstream provider in-process and writes schema.json, schema-embed.json (schema.json with the version
// set) and bridge-metadata.json into the directory given as its only argument.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/spf13/afero"

	"azure-docker-host/lifecycle/providers/random/provider"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-tfgen-random:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: %s <out-dir>", os.Args[0])
	}
	out, err := filepath.Abs(os.Args[1])
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var prior []byte
	if b, err := os.ReadFile(filepath.Join(out, "bridge-metadata.json")); err == nil {
		prior = b
	}
	info := provider.Provider(prior)
	g, err := tfgen.NewGenerator(tfgen.GeneratorOptions{
		Package:      "random",
		Version:      provider.Version,
		Language:     tfgen.Schema,
		ProviderInfo: info,
		Root:         afero.NewBasePathFs(afero.NewOsFs(), out),
		SkipExamples: true,
	})
	if err != nil {
		return err
	}
	if _, err := g.Generate(); err != nil {
		return err
	}
	// The generated schema.json omits the version on purpose; the plugin should report its own.
	return embedVersion(filepath.Join(out, "schema.json"), filepath.Join(out, "schema-embed.json"), provider.Version)
}

func embedVersion(in, out, version string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(b, &spec); err != nil {
		return err
	}
	v, _ := json.Marshal(version)
	spec["version"] = v
	b, err = json.Marshal(spec)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
