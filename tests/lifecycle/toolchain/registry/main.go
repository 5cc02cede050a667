// Command registry-stand-in plays Docker Hub for the lifecycle tests, which reach no registry: an
// OCI distribution registry (go-containerregistry's, in memory) served over TLS where the emulated
// cloud's DNS puts registry-1.docker.io, holding the stand-in images it is given. The VMs' dockerd
// pulls from it exactly as it pulls from Docker Hub, and BuildKit resolves FROM lines against it.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

type images []string

func (list *images) String() string         { return strings.Join(*list, ",") }
func (list *images) Set(value string) error { *list = append(*list, value); return nil }

func main() {
	listen := flag.String("listen", "203.0.113.1:443", "where to serve the registry over TLS")
	certFile := flag.String("cert", "", "the server certificate (PEM), for registry-1.docker.io")
	keyFile := flag.String("key", "", "its key (PEM)")
	var wanted images
	flag.Var(&wanted, "image", "repository:tag=rootfs.tar,config.json (repeatable); config is an OCI image config's `config` object")
	flag.Parse()

	handler := registry.New(registry.Logger(log.New(os.Stderr, "registry: ", log.LstdFlags)))
	// Loopback, plain HTTP: only for loading the images before the TLS side opens.
	loader, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	go func() { _ = http.Serve(loader, handler) }()
	for _, image := range wanted {
		check(push(loader.Addr().String(), image))
	}

	certificate, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	check(err)
	listener, err := tls.Listen("tcp", *listen, &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12})
	check(err)
	fmt.Println("ready")
	check(http.Serve(listener, handler))
}

// push builds one single-layer linux/amd64 image from a root file system tarball and its config,
// and stores it in the registry under its repository and tag.
func push(address, spec string) error {
	reference, files, found := strings.Cut(spec, "=")
	rootfs, configFile, _ := strings.Cut(files, ",")
	if !found || rootfs == "" || configFile == "" {
		return fmt.Errorf("-image %q: want repository:tag=rootfs.tar,config.json", spec)
	}
	layer, err := tarball.LayerFromFile(rootfs)
	if err != nil {
		return fmt.Errorf("%s: %w", rootfs, err)
	}
	image, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(configFile)
	if err != nil {
		return err
	}
	var config v1.Config
	if err := json.Unmarshal(raw, &config); err != nil {
		return fmt.Errorf("%s: %w", configFile, err)
	}
	file, err := image.ConfigFile()
	if err != nil {
		return err
	}
	file = file.DeepCopy()
	file.OS, file.Architecture, file.Config = "linux", "amd64", config
	image, err = mutate.ConfigFile(image, file)
	if err != nil {
		return err
	}
	tag, err := name.NewTag(address+"/"+reference, name.Insecure)
	if err != nil {
		return err
	}
	return remote.Write(tag, image)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "registry-stand-in:", err)
		os.Exit(1)
	}
}
