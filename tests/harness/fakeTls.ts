import * as pulumi from "@pulumi/pulumi";
import { fakePem } from "./plausibleState";

/** A CA, a certificate and a secret key as fake PEMs, for a component that takes a TLS bundle. */
function bundle<Side extends "server" | "client">(side: Side) {
    return {
        side,
        caCertPem: fakePem("CERTIFICATE", "ca"),
        certPem: fakePem("CERTIFICATE", side),
        keyPem: pulumi.secret(fakePem("PRIVATE KEY", `${side}-key`)),
    } as const;
}

export const fakeServerBundle = bundle("server");
export const fakeClientBundle = bundle("client");
/** The plain key inside a fake bundle, as a spec compares it. */
export const fakeKeyPem = (side: "server" | "client") => fakePem("PRIVATE KEY", `${side}-key`);
