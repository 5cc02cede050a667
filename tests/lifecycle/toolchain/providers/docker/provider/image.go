package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/distribution/reference"
	clibuild "github.com/docker/cli/cli/command/image/build"
	"github.com/docker/cli/cli/config"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/registry"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/jsonmessage"
	controlapi "github.com/moby/buildkit/api/services/control"
	"github.com/moby/buildkit/session"
	"github.com/moby/buildkit/session/auth/authprovider"
	archive "github.com/moby/go-archive"
	"github.com/moby/patternmatcher"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	rprovider "github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// imageResource implements docker:index/image:Image: "docker build" of a local context on the provider's
// daemon, then a push unless skipPush. The state keeps the inputs under __inputs (as a secret, since
// registry.password may be among them), so Diff compares new inputs with the last built ones.
type imageResource struct {
	host *rprovider.HostClient

	mu  sync.Mutex
	cfg daemonConfig
}

const inputsKey = "__inputs"

var propOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func (r *imageResource) configure(req *pulumirpc.ConfigureRequest) error {
	args := resource.PropertyMap{}
	if req.GetArgs() != nil {
		var err error
		args, err = plugin.UnmarshalProperties(req.GetArgs(), plugin.MarshalOptions{SkipNulls: true})
		if err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfg = configFromProvider(args, req.GetVariables())
	return nil
}

func (r *imageResource) client() (*client.Client, error) {
	r.mu.Lock()
	cfg := r.cfg
	r.mu.Unlock()
	return cfg.newClient()
}

func (r *imageResource) log(ctx context.Context, sev diag.Severity, urn resource.URN, msg string) {
	if r.host != nil && msg != "" {
		_ = r.host.Log(ctx, sev, urn, msg)
	}
}

// buildSpec is the resolved "build" input.
type buildSpec struct {
	Context, Dockerfile, Target, Platform, Network string
	Args                                           map[string]*string
	AddHosts, CacheFrom                            []string
	Version                                        build.BuilderVersion
}

func plainString(v resource.PropertyValue) (string, bool) {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue(), true
	}
	return "", false
}

func plainStrings(v resource.PropertyValue) []string {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	var out []string
	if v.IsArray() {
		for _, e := range v.ArrayValue() {
			if s, ok := plainString(e); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func plainBool(v resource.PropertyValue) bool {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v.IsBool() && v.BoolValue()
}

func buildObject(inputs resource.PropertyMap) resource.PropertyMap {
	b := inputs["build"]
	if b.IsSecret() {
		b = b.SecretValue().Element
	}
	if b.IsObject() {
		return b.ObjectValue()
	}
	return resource.PropertyMap{}
}

func resolveBuild(inputs resource.PropertyMap) (buildSpec, error) {
	b := buildObject(inputs)
	s := buildSpec{Context: defaultBuildContext, Version: build.BuilderBuildKit}
	if v, ok := plainString(b["context"]); ok && v != "" {
		s.Context = v
	}
	if v, ok := plainString(b["dockerfile"]); ok && v != "" {
		s.Dockerfile = v
	} else {
		s.Dockerfile = path.Join(s.Context, defaultDockerfile)
	}
	s.Target, _ = plainString(b["target"])
	s.Platform, _ = plainString(b["platform"])
	s.Network, _ = plainString(b["network"])
	s.AddHosts = plainStrings(b["addHosts"])
	if c := b["cacheFrom"]; c.IsObject() {
		s.CacheFrom = plainStrings(c.ObjectValue()["images"])
	}
	if v, ok := plainString(b["builderVersion"]); ok {
		switch v {
		case builderV1:
			s.Version = build.BuilderV1
		case builderBuildKit, "":
		default:
			return s, fmt.Errorf("build.builderVersion: %q is neither %s nor %s", v, builderV1, builderBuildKit)
		}
	}
	if a := b["args"]; a.IsObject() {
		s.Args = map[string]*string{}
		for k, v := range a.ObjectValue() {
			if str, ok := plainString(v); ok {
				str := str
				s.Args[string(k)] = &str
			}
		}
	}
	return s, nil
}

// Check fills in defaults (build.context ".", build.dockerfile "<context>/Dockerfile", skipPush and
// buildOnPreview false) and, when the context is known, records a digest of its contents as
// build.contextDigest, so that editing a file in the context shows up as a change.
func (r *imageResource) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := plugin.UnmarshalProperties(req.GetNews(), propOpts)
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	if v := news["imageName"]; !v.IsComputed() && !v.IsOutput() {
		if s, ok := plainString(v); !ok || s == "" {
			failures = append(failures, &pulumirpc.CheckFailure{Property: "imageName", Reason: "imageName is required"})
		}
	}
	for _, k := range []resource.PropertyKey{"skipPush", "buildOnPreview"} {
		if _, ok := news[k]; !ok {
			news[k] = resource.NewBoolProperty(false)
		}
	}
	b := news["build"]
	if b.IsNull() {
		b = resource.NewObjectProperty(resource.PropertyMap{})
	}
	if b.IsObject() {
		obj := b.ObjectValue()
		if obj["context"].IsNull() {
			obj["context"] = resource.NewStringProperty(defaultBuildContext)
		}
		if ctxDir, ok := plainString(obj["context"]); ok && obj["dockerfile"].IsNull() {
			obj["dockerfile"] = resource.NewStringProperty(path.Join(ctxDir, defaultDockerfile))
		}
		ctxDir, ok1 := plainString(obj["context"])
		dockerfile, ok2 := plainString(obj["dockerfile"])
		if ok1 && ok2 {
			digest, err := contextDigest(ctxDir, dockerfile)
			if err != nil {
				failures = append(failures, &pulumirpc.CheckFailure{Property: "build", Reason: err.Error()})
			} else {
				obj["contextDigest"] = resource.NewStringProperty(digest)
			}
		}
		news["build"] = resource.NewObjectProperty(obj)
	}
	if _, err := resolveBuild(news); err != nil {
		failures = append(failures, &pulumirpc.CheckFailure{Property: "build", Reason: err.Error()})
	}
	inputs, err := plugin.MarshalProperties(news, propOpts)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

// contextDigest hashes what the build would send: the Dockerfile and every file of the context that
// .dockerignore does not exclude (paths, modes and contents; not timestamps).
func contextDigest(ctxDir, dockerfile string) (string, error) {
	absCtx, relDockerfile, err := clibuild.GetContextFromLocalDir(ctxDir, dockerfile)
	if err != nil {
		return "", err
	}
	excludes, err := clibuild.ReadDockerignore(absCtx)
	if err != nil {
		return "", err
	}
	excludes = clibuild.TrimBuildFilesFromExcludes(excludes, relDockerfile, false)
	pm, err := patternmatcher.New(excludes)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	df, err := os.ReadFile(filepath.Join(absCtx, relDockerfile))
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "dockerfile %s %x\n", filepath.ToSlash(relDockerfile), sha256.Sum256(df))
	var entries []string
	err = filepath.WalkDir(absCtx, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(absCtx, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if skip, err := pm.MatchesOrParentMatches(rel); err != nil {
			return err
		} else if skip {
			if d.IsDir() && !pm.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			entries = append(entries, fmt.Sprintf("dir %s %o", rel, info.Mode().Perm()))
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			entries = append(entries, fmt.Sprintf("link %s %s", rel, target))
		case info.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			fh := sha256.New()
			_, err = io.Copy(fh, f)
			f.Close()
			if err != nil {
				return err
			}
			entries = append(entries, fmt.Sprintf("file %s %o %x", rel, info.Mode().Perm(), fh.Sum(nil)))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(entries)
	for _, e := range entries {
		fmt.Fprintln(h, e)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// lastInputs returns the inputs recorded in a state, or the state itself for states without them.
func lastInputs(state resource.PropertyMap) resource.PropertyMap {
	if v, ok := state[inputsKey]; ok {
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsObject() {
			return v.ObjectValue()
		}
	}
	return state
}

// Diff reports a change (an in-place update, that is a rebuild) when any input differs from the last
// built one, except registry credentials alone.
func (r *imageResource) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := plugin.UnmarshalProperties(req.GetOlds(), propOpts)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), propOpts)
	if err != nil {
		return nil, err
	}
	d := lastInputs(olds).Diff(news)
	if d == nil {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for k := range d.Adds {
		detailed[string(k)] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_ADD}
	}
	for k := range d.Deletes {
		detailed[string(k)] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_DELETE}
	}
	for k, vd := range d.Updates {
		if k == "registry" && vd.Object != nil {
			if _, serverChanged := vd.Object.Updates["server"]; !serverChanged &&
				len(vd.Object.Adds) == 0 && len(vd.Object.Deletes) == 0 {
				continue
			}
		}
		detailed[string(k)] = &pulumirpc.PropertyDiff{Kind: pulumirpc.PropertyDiff_UPDATE}
	}
	if len(detailed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	changed := make([]string, 0, len(detailed))
	for k := range detailed {
		changed = append(changed, k)
	}
	sort.Strings(changed)
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed,
		DetailedDiff: detailed, HasDetailedDiff: true}, nil
}

func (r *imageResource) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	id, props, err := r.apply(ctx, resource.URN(req.GetUrn()), req.GetProperties(), req.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (r *imageResource) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	_, props, err := r.apply(ctx, resource.URN(req.GetUrn()), req.GetNews(), req.GetPreview())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Read keeps the recorded state: an image build has nothing to refresh from.
func (r *imageResource) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Delete leaves the image where it is (on the daemon, in the registry): containers may still use it.
func (r *imageResource) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// apply builds (and pushes) the image for Create and Update. In a preview without buildOnPreview, it
// returns the inputs with the outputs unknown.
func (r *imageResource) apply(ctx context.Context, urn resource.URN, props *structpb.Struct, preview bool,
) (string, *structpb.Struct, error) {
	inputs, err := plugin.UnmarshalProperties(props, propOpts)
	if err != nil {
		return "", nil, err
	}
	imageName, _ := plainString(inputs["imageName"])
	outputs := resource.PropertyMap{}
	for k, v := range inputs {
		outputs[k] = v
	}
	if preview && (!plainBool(inputs["buildOnPreview"]) || inputs.ContainsUnknowns()) {
		for _, k := range []resource.PropertyKey{"imageName", "baseImageName", "registryServer", "dockerfile",
			"context", "platform", "repoDigest"} {
			outputs[k] = resource.MakeComputed(resource.NewStringProperty(""))
		}
		s, err := plugin.MarshalProperties(outputs, propOpts)
		return imageName, s, err
	}
	spec, err := resolveBuild(inputs)
	if err != nil {
		return "", nil, err
	}
	skipPush := plainBool(inputs["skipPush"])
	var reg struct{ server, username, password string }
	if v := inputs["registry"]; v.IsObject() {
		o := v.ObjectValue()
		reg.server, _ = plainString(o["server"])
		reg.username, _ = plainString(o["username"])
		reg.password, _ = plainString(o["password"])
	}
	named, err := reference.ParseNormalizedNamed(imageName)
	if err != nil {
		return "", nil, fmt.Errorf("imageName %q: %w", imageName, err)
	}
	registryServer := reg.server
	if registryServer == "" && !skipPush {
		registryServer = reference.Domain(named)
	}

	cli, err := r.client()
	if err != nil {
		return "", nil, err
	}
	defer cli.Close()
	imageID, err := r.build(ctx, urn, cli, imageName, spec, reg.server, reg.username, reg.password)
	if err != nil {
		return "", nil, err
	}
	repoDigest := imageID
	if !skipPush {
		digest, err := r.push(ctx, urn, cli, imageName, registryServer, reg.username, reg.password)
		if err != nil {
			return "", nil, err
		}
		repoDigest = reference.FamiliarName(named) + "@" + digest
	}

	state := resource.PropertyMap{
		"imageName":      resource.NewStringProperty(imageName),
		"baseImageName":  resource.NewStringProperty(imageName),
		"registryServer": resource.NewStringProperty(registryServer),
		"dockerfile":     resource.NewStringProperty(spec.Dockerfile),
		"context":        resource.NewStringProperty(spec.Context),
		"repoDigest":     resource.NewStringProperty(repoDigest),
		inputsKey:        resource.MakeSecret(resource.NewObjectProperty(inputs)),
	}
	if spec.Platform != "" {
		state["platform"] = resource.NewStringProperty(spec.Platform)
	}
	s, err := plugin.MarshalProperties(state, propOpts)
	return imageName, s, err
}

// build runs the image build on the daemon and returns the built image's ID.
func (r *imageResource) build(ctx context.Context, urn resource.URN, cli *client.Client, imageName string,
	spec buildSpec, server, username, password string,
) (string, error) {
	ctxDir, relDockerfile, err := clibuild.GetContextFromLocalDir(spec.Context, spec.Dockerfile)
	if err != nil {
		return "", err
	}
	excludes, err := clibuild.ReadDockerignore(ctxDir)
	if err != nil {
		return "", err
	}
	if err := clibuild.ValidateContextDirectory(ctxDir, excludes); err != nil {
		return "", err
	}
	excludes = clibuild.TrimBuildFilesFromExcludes(excludes, relDockerfile, false)
	body, err := archive.TarWithOptions(ctxDir, &archive.TarOptions{
		ExcludePatterns: excludes, ChownOpts: &archive.ChownOpts{UID: 0, GID: 0}})
	if err != nil {
		return "", err
	}
	defer body.Close()
	if strings.HasPrefix(relDockerfile, ".."+string(filepath.Separator)) {
		// A Dockerfile outside the context travels in the tarball under a generated name.
		df, err := os.Open(filepath.Join(ctxDir, relDockerfile))
		if err != nil {
			return "", err
		}
		body, relDockerfile, err = clibuild.AddDockerfileToBuildContext(df, body)
		if err != nil {
			return "", err
		}
	}

	opts := build.ImageBuildOptions{
		Tags:        []string{imageName},
		Dockerfile:  filepath.ToSlash(relDockerfile),
		BuildArgs:   spec.Args,
		Target:      spec.Target,
		Platform:    spec.Platform,
		NetworkMode: spec.Network,
		ExtraHosts:  spec.AddHosts,
		CacheFrom:   spec.CacheFrom,
		Remove:      true,
		Version:     spec.Version,
	}
	// Registry credentials: the local docker config's, plus the registry input's.
	auths := map[string]registry.AuthConfig{}
	cfg := config.LoadDefaultConfigFile(io.Discard)
	if creds, err := cfg.GetAllCredentials(); err == nil {
		for k, c := range creds {
			auths[k] = registry.AuthConfig{Username: c.Username, Password: c.Password, Auth: c.Auth,
				ServerAddress: c.ServerAddress, IdentityToken: c.IdentityToken, RegistryToken: c.RegistryToken}
		}
	}
	if server != "" && username != "" {
		auths[server] = registry.AuthConfig{Username: username, Password: password, ServerAddress: server}
		ac := cfg.AuthConfigs[server]
		ac.Username, ac.Password, ac.ServerAddress = username, password, server
		cfg.AuthConfigs[server] = ac
	}
	opts.AuthConfigs = auths

	if spec.Version == build.BuilderBuildKit {
		// A BuildKit session lets the daemon ask us for registry credentials (e.g. for a private base).
		sess, err := session.NewSession(ctx, "pulumi-docker-image")
		if err != nil {
			return "", err
		}
		sess.Allow(authprovider.NewDockerAuthProvider(authprovider.DockerAuthProviderConfig{ConfigFile: cfg}))
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			_ = sess.Run(sctx, func(ctx context.Context, proto string, meta map[string][]string) (net.Conn, error) {
				return cli.DialHijack(ctx, "/session", proto, meta)
			})
		}()
		defer sess.Close()
		opts.SessionID = sess.ID()
	}

	resp, err := cli.ImageBuild(ctx, body, opts)
	if err != nil {
		return "", fmt.Errorf("docker build of %s: %w", imageName, err)
	}
	defer resp.Body.Close()
	var tail []string
	remember := func(line string) {
		tail = append(tail, line)
		if len(tail) > 30 {
			tail = tail[1:]
		}
		r.log(ctx, diag.Info, urn, line)
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var m jsonmessage.JSONMessage
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return "", fmt.Errorf("docker build of %s: reading the daemon's answer: %w", imageName, err)
		}
		if m.Error != nil {
			return "", fmt.Errorf("docker build of %s failed: %s\n%s", imageName, m.Error.Message,
				strings.Join(tail, "\n"))
		}
		if s := strings.TrimRight(m.Stream, "\n"); s != "" {
			remember(s)
		}
		if m.Aux != nil && m.ID == "moby.buildkit.trace" {
			for _, line := range buildkitLines(*m.Aux) {
				remember(line)
			}
		}
	}
	inspect, err := cli.ImageInspect(ctx, imageName)
	if err != nil {
		return "", fmt.Errorf("docker build of %s: the built image is not on the daemon: %w", imageName, err)
	}
	return inspect.ID, nil
}

// buildkitLines renders BuildKit's progress (a base64 protobuf StatusResponse inside the aux) as text.
func buildkitLines(aux json.RawMessage) []string {
	var raw []byte
	if json.Unmarshal(aux, &raw) != nil {
		return nil
	}
	var st controlapi.StatusResponse
	if proto.Unmarshal(raw, &st) != nil {
		return nil
	}
	var lines []string
	for _, v := range st.Vertexes {
		switch {
		case v.Error != "":
			lines = append(lines, fmt.Sprintf("%s ERROR: %s", v.Name, v.Error))
		case v.Completed != nil && v.Cached:
			lines = append(lines, v.Name+" CACHED")
		case v.Completed != nil:
			lines = append(lines, v.Name+" DONE")
		}
	}
	for _, l := range st.Logs {
		if s := strings.TrimRight(string(l.Msg), "\n"); s != "" {
			lines = append(lines, s)
		}
	}
	return lines
}

// push pushes the image and returns the manifest digest the registry reported.
func (r *imageResource) push(ctx context.Context, urn resource.URN, cli *client.Client,
	imageName, server, username, password string,
) (string, error) {
	auth := registry.AuthConfig{ServerAddress: server, Username: username, Password: password}
	if username == "" {
		cfg := config.LoadDefaultConfigFile(io.Discard)
		if c, err := cfg.GetAuthConfig(server); err == nil {
			auth = registry.AuthConfig{Username: c.Username, Password: c.Password, Auth: c.Auth,
				ServerAddress: c.ServerAddress, IdentityToken: c.IdentityToken, RegistryToken: c.RegistryToken}
		}
	}
	encoded, err := registry.EncodeAuthConfig(auth)
	if err != nil {
		return "", err
	}
	out, err := cli.ImagePush(ctx, imageName, image.PushOptions{RegistryAuth: encoded})
	if err != nil {
		return "", fmt.Errorf("docker push of %s: %w", imageName, err)
	}
	defer out.Close()
	var digest string
	dec := json.NewDecoder(out)
	for {
		var m jsonmessage.JSONMessage
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return "", fmt.Errorf("docker push of %s: %w", imageName, err)
		}
		if m.Error != nil {
			return "", fmt.Errorf("docker push of %s failed: %s", imageName, m.Error.Message)
		}
		if m.Aux != nil {
			var aux struct{ Tag, Digest string }
			if json.Unmarshal(*m.Aux, &aux) == nil && aux.Digest != "" {
				digest = aux.Digest
			}
		}
		if m.Status != "" && m.ID == "" {
			r.log(ctx, diag.Info, urn, m.Status)
		}
	}
	if digest == "" {
		return "", fmt.Errorf("docker push of %s: the registry reported no digest", imageName)
	}
	return digest, nil
}
