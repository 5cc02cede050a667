package provider

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	rprovider "github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// server serves every request with the bridged provider, except those for docker:index/image:Image,
// which our imageResource handles. Configure goes to both.
type server struct {
	pulumirpc.ResourceProviderServer // the bridged provider
	image                            *imageResource
}

// NewServer makes the plugin's gRPC server; schema is the generated schema (with the Image resource).
func NewServer(ctx context.Context, host *rprovider.HostClient, info tfbridge.ProviderInfo, schema []byte,
) pulumirpc.ResourceProviderServer {
	return &server{
		ResourceProviderServer: tfbridge.NewProvider(ctx, host, "docker", info.Version, info.P, info, schema),
		image:                  &imageResource{host: host},
	}
}

func isImage(urn string) bool { return resource.URN(urn).Type() == imageToken }

func (s *server) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	if err := s.image.configure(req); err != nil {
		return nil, fmt.Errorf("docker provider configuration: %w", err)
	}
	return s.ResourceProviderServer.Configure(ctx, req)
}

func (s *server) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if isImage(req.GetUrn()) {
		return s.image.Check(ctx, req)
	}
	return s.ResourceProviderServer.Check(ctx, req)
}

func (s *server) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	if isImage(req.GetUrn()) {
		return s.image.Diff(ctx, req)
	}
	return s.ResourceProviderServer.Diff(ctx, req)
}

func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if isImage(req.GetUrn()) {
		return s.image.Create(ctx, req)
	}
	return s.ResourceProviderServer.Create(ctx, req)
}

func (s *server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if isImage(req.GetUrn()) {
		return s.image.Read(ctx, req)
	}
	return s.ResourceProviderServer.Read(ctx, req)
}

func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if isImage(req.GetUrn()) {
		return s.image.Update(ctx, req)
	}
	return s.ResourceProviderServer.Update(ctx, req)
}

func (s *server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if isImage(req.GetUrn()) {
		return s.image.Delete(ctx, req)
	}
	return s.ResourceProviderServer.Delete(ctx, req)
}
