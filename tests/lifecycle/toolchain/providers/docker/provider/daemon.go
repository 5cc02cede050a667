package provider

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/docker/cli/cli/connhelper"
	"github.com/docker/docker/client"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// daemonConfig is how the native Image resource reaches the Docker daemon: the same provider settings the
// bridged resources use (host, caMaterial/certMaterial/keyMaterial, certPath, sshOpts), with the same
// environment variables as fallbacks.
type daemonConfig struct {
	Host     string
	CA       string
	Cert     string
	Key      string
	CertPath string
	SSHOpts  []string
}

// configFromProvider reads the provider's configuration: structured args when the engine sends them,
// else the flat "docker:config:<key>" variables, else the environment.
func configFromProvider(args resource.PropertyMap, variables map[string]string) daemonConfig {
	get := func(key, env string) string {
		if v, ok := args[resource.PropertyKey(key)]; ok {
			if v.IsSecret() {
				v = v.SecretValue().Element
			}
			if v.IsString() {
				return v.StringValue()
			}
		}
		if v, ok := variables["docker:config:"+key]; ok {
			return v
		}
		if env != "" {
			return os.Getenv(env)
		}
		return ""
	}
	c := daemonConfig{
		Host:     get("host", "DOCKER_HOST"),
		CA:       get("caMaterial", "DOCKER_CA_MATERIAL"),
		Cert:     get("certMaterial", "DOCKER_CERT_MATERIAL"),
		Key:      get("keyMaterial", "DOCKER_KEY_MATERIAL"),
		CertPath: get("certPath", "DOCKER_CERT_PATH"),
	}
	// sshOpts arrives as a list, or (from the Node SDK) as its JSON encoding.
	if v, ok := args["sshOpts"]; ok && v.IsArray() {
		for _, e := range v.ArrayValue() {
			if e.IsString() {
				c.SSHOpts = append(c.SSHOpts, e.StringValue())
			}
		}
	} else if s := get("sshOpts", ""); s != "" {
		_ = json.Unmarshal([]byte(s), &c.SSHOpts)
	}
	return c
}

// newClient makes a Docker API client for the configuration.
func (c daemonConfig) newClient() (*client.Client, error) {
	host := c.Host
	if host == "" {
		host = client.DefaultDockerHost
	}
	opts := []client.Opt{client.WithAPIVersionNegotiation()}
	if strings.HasPrefix(host, "ssh://") {
		helper, err := connhelper.GetConnectionHelperWithSSHOpts(host, c.SSHOpts)
		if err != nil {
			return nil, fmt.Errorf("docker host %q: %w", host, err)
		}
		opts = append(opts, client.WithHost(helper.Host), client.WithDialContext(helper.Dialer))
		return client.NewClientWithOpts(opts...)
	}
	switch {
	case c.CA != "" || c.Cert != "" || c.Key != "":
		tlsConfig, err := tlsFromPEM([]byte(c.CA), []byte(c.Cert), []byte(c.Key))
		if err != nil {
			return nil, err
		}
		// The HTTP client must come before WithHost, which configures its transport for the host's scheme.
		opts = append(opts, client.WithHTTPClient(&http.Client{Transport: &http.Transport{
			TLSClientConfig: tlsConfig, Proxy: http.ProxyFromEnvironment}}))
	case c.CertPath != "":
		opts = append(opts, client.WithTLSClientConfig(
			filepath.Join(c.CertPath, "ca.pem"),
			filepath.Join(c.CertPath, "cert.pem"),
			filepath.Join(c.CertPath, "key.pem")))
	}
	opts = append(opts, client.WithHost(host))
	return client.NewClientWithOpts(opts...)
}

func tlsFromPEM(ca, cert, key []byte) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if len(ca) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, fmt.Errorf("caMaterial holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	if len(cert) > 0 || len(key) > 0 {
		if len(cert) == 0 || len(key) == 0 {
			return nil, fmt.Errorf("certMaterial and keyMaterial must be given together")
		}
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("certMaterial/keyMaterial: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
