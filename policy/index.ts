import { PolicyPack } from "@pulumi/policy";
import { azureDockerHostPolicies } from "./policies/all";

// Constructing a PolicyPack starts the gRPC server the Pulumi engine talks to, and a process may
// serve only one. So this entry point, which `pulumi preview --policy-pack policy` runs, is the only
// module that constructs it; tests import the policies from ./policies instead.
new PolicyPack("azure-docker-host", {
    // A policy added without a level of its own blocks rather than warns.
    enforcementLevel: "mandatory",
    policies: azureDockerHostPolicies(),
});
