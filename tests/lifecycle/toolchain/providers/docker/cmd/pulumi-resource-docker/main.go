// Command pulumi-resource-docker is the Pulumi resource plugin: the bridged upstream docker provider plus
// our native docker:index/image:Image, with the schema our generator produced embedded.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	rprovider "github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"azure-docker-host/lifecycle/providers/docker/provider"
)

//go:embed schema-embed.json
var schema []byte

//go:embed bridge-metadata.json
var metadata []byte

func main() {
	info := provider.Provider(metadata)

	// The flags bridged plugins answer besides serving.
	flags := flag.NewFlagSet("flags", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	dumpInfo := flags.Bool("get-provider-info", false, "")
	showVersion := flags.Bool("version", false, "")
	_ = flags.Parse(os.Args[1:])
	if *dumpInfo {
		_ = json.NewEncoder(os.Stdout).Encode(tfbridge.MarshalProviderInfo(&info))
		return
	}
	if *showVersion {
		fmt.Println(info.Version)
		return
	}

	ctx := context.Background()
	info.P.InitLogging(ctx)
	err := rprovider.Main("docker", func(host *rprovider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return provider.NewServer(ctx, host, info, schema), nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}
