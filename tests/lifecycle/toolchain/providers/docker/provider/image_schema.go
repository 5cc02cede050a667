package provider

import (
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The token of the native image build resource, and of the types only it uses.
const (
	imageToken          = "docker:index/image:Image"
	registryType        = "docker:index/registry:Registry"
	dockerBuildType     = "docker:index/dockerBuild:DockerBuild"
	cacheFromType       = "docker:index/cacheFrom:CacheFrom"
	builderVersionType  = "docker:index/builderVersion:BuilderVersion"
	builderV1           = "BuilderV1"
	builderBuildKit     = "BuilderBuildKit"
	defaultDockerfile   = "Dockerfile"
	defaultBuildContext = "."
)

func str(desc string) schema.PropertySpec {
	return schema.PropertySpec{Description: desc, TypeSpec: schema.TypeSpec{Type: "string"}}
}

func strList(desc string) schema.PropertySpec {
	return schema.PropertySpec{Description: desc,
		TypeSpec: schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Type: "string"}}}
}

func ref(desc, tok string) schema.PropertySpec {
	return schema.PropertySpec{Description: desc, TypeSpec: schema.TypeSpec{Ref: "#/types/" + tok}}
}

func imageTypeSpecs() map[string]schema.ComplexTypeSpec {
	password := str("Password for the registry; does not by itself cause a rebuild.")
	password.Secret = true
	return map[string]schema.ComplexTypeSpec{
		registryType: {ObjectTypeSpec: schema.ObjectTypeSpec{
			Type:        "object",
			Description: "A container registry and the credentials to push to it.",
			Properties: map[string]schema.PropertySpec{
				"server":   str("The registry's address, e.g. `docker.io` or `myregistry.azurecr.io`."),
				"username": str("User name for the registry; does not by itself cause a rebuild."),
				"password": password,
			},
		}},
		cacheFromType: {ObjectTypeSpec: schema.ObjectTypeSpec{
			Type:        "object",
			Description: "Images to use as a build cache.",
			Properties:  map[string]schema.PropertySpec{"images": strList("The cache images (with a cache manifest).")},
		}},
		builderVersionType: {
			ObjectTypeSpec: schema.ObjectTypeSpec{Type: "string", Description: "Which builder the daemon uses."},
			Enum: []schema.EnumValueSpec{
				{Name: builderV1, Value: builderV1, Description: "The classic builder."},
				{Name: builderBuildKit, Value: builderBuildKit, Description: "The BuildKit builder (the default)."},
			},
		},
		dockerBuildType: {ObjectTypeSpec: schema.ObjectTypeSpec{
			Type:        "object",
			Description: "How to build the image.",
			Properties: map[string]schema.PropertySpec{
				"context":    str("The build context directory (default `.`)."),
				"dockerfile": str("The Dockerfile's path, relative to the program (default `<context>/Dockerfile`)."),
				"args": {
					Description: "Build arguments (`--build-arg`).",
					TypeSpec: schema.TypeSpec{Type: "object",
						AdditionalProperties: &schema.TypeSpec{Type: "string"}},
				},
				"target":         str("The Dockerfile stage to build."),
				"platform":       str("The platform to build for, e.g. `linux/amd64`."),
				"network":        str("The network mode for RUN instructions."),
				"addHosts":       strList("Extra host-to-IP mappings (`host:ip`)."),
				"builderVersion": ref("The builder to use.", builderVersionType),
				"cacheFrom":      ref("Images to use as a build cache.", cacheFromType),
			},
		}},
	}
}

func imageResourceSpec() map[string]schema.ResourceSpec {
	falseDefault := func(desc string) schema.PropertySpec {
		return schema.PropertySpec{Description: desc, TypeSpec: schema.TypeSpec{Type: "boolean"}, Default: false}
	}
	return map[string]schema.ResourceSpec{
		imageToken: {
			ObjectTypeSpec: schema.ObjectTypeSpec{
				Type: "object",
				Description: "Builds a Docker image from a local build context on the provider's daemon and, " +
					"unless `skipPush` is set, pushes it to a registry.",
				Properties: map[string]schema.PropertySpec{
					"imageName":      str("The image name, as given."),
					"registryServer": str("The registry the image is pushed to."),
					"baseImageName":  str("The image name, as given, without a digest."),
					"dockerfile":     str("The Dockerfile used."),
					"context":        str("The build context used."),
					"platform":       str("The platform built for."),
					"repoDigest": str("For a pushed image, its `repository@sha256:...` digest; for a local " +
						"image (skipPush), its image ID `sha256:...`."),
				},
				Required: []string{"dockerfile", "context", "baseImageName", "registryServer", "imageName", "repoDigest"},
			},
			InputProperties: map[string]schema.PropertySpec{
				"imageName":      str("The image name, `repository[:tag]`."),
				"registry":       ref("The registry to push to.", registryType),
				"build":          ref("How to build the image.", dockerBuildType),
				"skipPush":       falseDefault("Build only, do not push."),
				"buildOnPreview": falseDefault("Also build during previews."),
			},
			RequiredInputs: []string{"imageName"},
			Aliases:        []schema.AliasSpec{{Type: "docker:image:Image"}},
		},
	}
}
