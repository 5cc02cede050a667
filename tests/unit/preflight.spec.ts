import "../harness/mocks";
import * as assert from "assert";
import { ArmCatalogue, ArmStandIn } from "../harness/armStandIn";
import { mocks } from "../harness/mocks";
import { armStandIn, programError, registeredResources, runProgram, validConfig } from "../harness/program";

const vmType = "azure-native:compute:VirtualMachine";
const extensionType = "azure-native:compute:VirtualMachineExtension";

/** The catalogue with some entries taken out, as a region where Azure no longer publishes them. */
function without(...keys: string[]) {
    return (standIn: ArmStandIn) => {
        const omit = <T>(record: Readonly<Record<string, T>>) =>
            Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
        const catalogue: ArmCatalogue = {
            ...standIn.catalogue,
            images: omit(standIn.catalogue.images),
            extensions: omit(standIn.catalogue.extensions),
        };
        standIn.catalogue = catalogue;
    };
}
const noDockerExtension = without("Microsoft.Azure.Extensions/DockerExtension");
const noJammy = without("Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2");

/** Fails the run and checks nothing was registered: the preflight runs before any resource. */
async function refusal(config: Record<string, string>, options: Parameters<typeof programError>[1] = {}) {
    const error = await programError(config, options);
    assert.deepStrictEqual(registeredResources(), [], "a resource was registered before the preflight failed");
    assert.strictEqual(error.name, "PreflightError", error.stack);
    return error.message;
}

describe("preflight against Resource Manager (a local HTTPS stand-in)", function () {
    this.timeout(60_000);

    describe("when everything is available", () => {
        it("chooses Azure's Docker extension for a new host, says why, and exports the choice", async () => {
            const run = await runProgram(validConfig());
            assert.strictEqual(await run.output("provisioner"), "docker-extension");
            assert.ok(
                run.messages.some((message) =>
                    /^info: provisioner auto chose docker-extension: Azure still publishes the Docker VM extension 1\.2 in eastasia\. Standard_B2s: 2 vCPUs, 4 GB, disk controller SCSI\.$/.test(
                        message,
                    ),
                ),
                run.messages.join("\n"),
            );
            assert.strictEqual(run.one(extensionType, "docker-provisioning-extension").inputs.type, "DockerExtension");
            assert.strictEqual(
                (run.one(vmType, "docker-vm").inputs.storageProfile as any).diskControllerType,
                undefined,
            );
        });

        it("asks with the provider's identity, through its cloud's metadata, and follows every page", async () => {
            await runProgram(validConfig());
            const standIn = await armStandIn();
            const tokens = mocks.calls.map((call) => call.token);
            assert.ok(tokens.includes("azure-native:authorization:getClientToken"));
            assert.ok(tokens.includes("azure-native:authorization:getClientConfig"));
            assert.ok(tokens.includes("pulumi:pulumi:readStackOutputs"));
            assert.deepStrictEqual(
                mocks.calls.find((call) => call.token === "pulumi:pulumi:readStackOutputs")?.inputs,
                { name: "organization/azure-docker-host/dev" },
            );
            const paths = standIn.requests.map((request) =>
                request.path.replace(/^\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\//, ""),
            );
            assert.strictEqual(paths[0], "/metadata/endpoints");
            assert.strictEqual(paths.filter((path) => path === "skus").length, 2, "the second page was not read");
            assert.deepStrictEqual(paths.filter((path) => path.includes("/versions")).sort(), [
                "locations/eastasia/publishers/Canonical/artifacttypes/vmimage/offers/0001-com-ubuntu-server-jammy/skus/22_04-lts-gen2/versions",
                "locations/eastasia/publishers/Canonical/artifacttypes/vmimage/offers/ubuntu-24_04-lts/skus/server/versions",
                "locations/eastasia/publishers/Microsoft.Azure.Extensions/artifacttypes/vmextension/types/CustomScript/versions",
                "locations/eastasia/publishers/Microsoft.Azure.Extensions/artifacttypes/vmextension/types/DockerExtension/versions",
            ]);
            for (const request of standIn.requests.slice(1)) {
                assert.strictEqual(request.authorization, "Bearer stand-in-arm-token");
            }
            const skus = standIn.requests.find((request) => request.path.endsWith("/skus"));
            assert.strictEqual(skus?.query.get("$filter"), "location eq 'eastasia'");
            assert.strictEqual(skus?.query.get("api-version"), "2021-07-01");
        });

        it("declares an NVMe-only size's disk controller on the VM", async () => {
            const run = await runProgram(validConfig({ vmSize: "Standard_D2ds_v6", provisioner: "cloud-init" }));
            assert.strictEqual((run.one(vmType, "docker-vm").inputs.storageProfile as any).diskControllerType, "NVMe");
            assert.ok(
                run.messages.some((message) => /Standard_D2ds_v6: 2 vCPUs, 8 GB, disk controller NVMe/.test(message)),
            );
        });

        it("leaves a size that takes SCSI and NVMe on Azure's default controller, and one restricted only in zones usable", async () => {
            for (const vmSize of ["Standard_E2bs_v5", "Standard_E2s_v5"]) {
                const run = await runProgram(validConfig({ vmSize }));
                assert.strictEqual(
                    (run.one(vmType, "docker-vm").inputs.storageProfile as any).diskControllerType,
                    undefined,
                );
            }
        });
    });

    describe("refuses, before anything is created, with every problem and its fix", () => {
        it("a size not offered to this subscription in the region, naming sizes that fit", async () => {
            const message = await refusal(validConfig({ vmSize: "Standard_M8ms" }));
            assert.match(
                message,
                /found in eastasia by Resource Manager at https:\/\/127\.0\.0\.1:\d+, subscription [0-9a-f-]+\); nothing was created/,
            );
            assert.match(message, /azure-docker-host:vmSize = "Standard_M8ms": .*NotAvailableForSubscription/);
            assert.match(
                message,
                /sizes that fit: Standard_B2s, Standard_B2ms, Standard_D2ds_v6; run: pulumi config set vmSize Standard_B2s/,
            );
        });

        it("a data disk made smaller than the disk already is, which Azure cannot do", async () => {
            const diskId =
                "/subscriptions/00000000-0000-4000-8000-000000000042/resourceGroups/docker-rg1/providers/Microsoft.Compute/disks/docker-data1";
            const existing = {
                arm: (standIn: ArmStandIn) => {
                    standIn.catalogue = {
                        ...standIn.catalogue,
                        diskSources: {
                            [diskId]: { id: diskId, location: "eastasia", properties: { diskSizeGB: 128 } },
                        },
                    };
                },
                previousOutputs: { provisioner: "cloud-init", dockerHost: "tcp://x:2376", dataDiskId: diskId },
            };
            const message = await refusal(validConfig({ provisioner: "cloud-init", dataDiskSizeGb: "64" }), existing);
            assert.match(
                message,
                /azure-docker-host:dataDiskSizeGb = "64": .*128 or more: the data disk is 128 GiB, and Azure cannot make a disk smaller.*pulumi config set dataDiskSizeGb 128/s,
            );
            // Growing it is fine.
            await runProgram(validConfig({ provisioner: "cloud-init", dataDiskSizeGb: "256" }), existing);
        });

        it("a size this subscription's offer excludes", async () => {
            assert.match(
                await refusal(validConfig({ vmSize: "Standard_F2s_v2" })),
                /offer type does not include it \(QuotaId\)/,
            );
        });

        it("a size Azure does not offer in the region", async () => {
            assert.match(
                await refusal(validConfig({ vmSize: "Standard_Q64" })),
                /vmSize = "Standard_Q64": a VM size offered in eastasia; Azure lists no Standard_Q64 there/,
            );
        });

        it("a size too small for the services' memory, or of the wrong kind", async () => {
            assert.match(
                await refusal(validConfig({ vmSize: "Standard_B2s", mongodbMemoryMb: "4096" })),
                /it has 4 GB of memory; the services' limits and the host need 5\.25 GB\n\s+sizes that fit: Standard_B2ms/,
            );
            assert.match(
                await refusal(validConfig({ vmSize: "Standard_B1s" })),
                /it has 1 vCPU\(s\); the host needs 2/,
            );
            assert.match(await refusal(validConfig({ vmSize: "Standard_D2ps_v5" })), /it is Arm64/);
            assert.match(await refusal(validConfig({ vmSize: "Standard_A2_v2" })), /generation 1 VMs only/);
            assert.match(
                await refusal(validConfig({ vmSize: "Standard_DC2as_v5" })),
                /does not support Trusted Launch/,
            );
        });

        it("an explicit docker-extension where Azure no longer publishes it, with the fix", async () => {
            const message = await refusal(validConfig({ provisioner: "docker-extension" }), { arm: noDockerExtension });
            assert.match(
                message,
                /provisioner = "docker-extension": cloud-init or auto; Azure no longer publishes the Docker VM extension .* in eastasia\n\s+run: pulumi config set provisioner auto/,
            );
        });

        it("a provisioner whose image the region lacks", async () => {
            assert.match(
                await refusal(validConfig({ provisioner: "docker-extension" }), { arm: noJammy }),
                /Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2 \(for docker-extension\) is not there/,
            );
        });

        it("all of them in one message", async () => {
            const message = await refusal(validConfig({ provisioner: "docker-extension", vmSize: "Standard_M8ms" }), {
                arm: (standIn) => {
                    noDockerExtension(standIn);
                    noJammy(standIn);
                },
            });
            assert.match(message, /\(3 problems found in eastasia/);
            assert.strictEqual(message.match(/^ {2}- azure-docker-host:/gm)?.length, 3);
        });
    });

    describe("provisioner auto", () => {
        it("chooses cloud-init where Azure no longer publishes the Docker extension", async () => {
            const run = await runProgram(validConfig(), { arm: noDockerExtension });
            assert.strictEqual(await run.output("provisioner"), "cloud-init");
            assert.ok(
                run.messages.some((message) =>
                    /provisioner auto chose cloud-init: Azure no longer publishes/.test(message),
                ),
            );
            assert.strictEqual(run.one(extensionType, "docker-provisioning-certificates").inputs.type, "CustomScript");
        });

        it("keeps what an existing host runs when the catalogue changes, so the VM is not replaced", async () => {
            const run = await runProgram(validConfig(), {
                arm: noDockerExtension,
                previousOutputs: {
                    provisioner: "docker-extension",
                    dockerHost: "tcp://dev.eastasia.cloudapp.azure.com:2376",
                },
            });
            assert.strictEqual(await run.output("provisioner"), "docker-extension");
            assert.ok(
                run.messages.some((message) =>
                    /^info: provisioner auto keeps docker-extension: the host already runs it/.test(message),
                ),
            );
            assert.ok(
                run.messages.some((message) =>
                    /^warning: Azure no longer publishes the Docker VM extension/.test(message),
                ),
            );
        });

        it("keeps cloud-init on an existing host even where the extension is published", async () => {
            const run = await runProgram(validConfig(), {
                previousOutputs: { provisioner: "cloud-init", dockerHost: "tcp://x:2376" },
            });
            assert.strictEqual(await run.output("provisioner"), "cloud-init");
        });

        it("reads a stack deployed before auto existed as the former default, docker-extension", async () => {
            const run = await runProgram(validConfig(), {
                arm: noDockerExtension,
                previousOutputs: { dockerHost: "tcp://x:2376" },
            });
            assert.strictEqual(await run.output("provisioner"), "docker-extension");
        });
    });

    describe("the region, from Azure's own list", () => {
        /** The stand-in's list of regions with one more, which this release's list does not know. */
        const withNewRegion = (standIn: ArmStandIn) => {
            standIn.catalogue = {
                ...standIn.catalogue,
                regions: [
                    ...standIn.catalogue.regions,
                    { name: "atlantiscentral", metadata: { regionType: "Physical" } },
                ],
            };
        };

        it("accepts a region Azure lists that this release does not know, and deploys there", async () => {
            const run = await runProgram(validConfig({ location: "atlantiscentral" }), { arm: withNewRegion });
            assert.strictEqual(run.one(vmType, "docker-vm").inputs.location, "atlantiscentral");
        });

        it("refuses a region Azure does not list, suggesting the nearest Azure does", async () => {
            const message = await refusal(validConfig({ location: "eastasai" }));
            assert.match(
                message,
                /location = "eastasai".*a region Azure lists for this subscription; did you mean eastasia\?/s,
            );
        });

        it("refuses a region this release knows when the subscription has no access to it", async () => {
            const message = await refusal(validConfig({ location: "westeurope" }), {
                arm: (standIn) => {
                    standIn.catalogue = {
                        ...standIn.catalogue,
                        regions: standIn.catalogue.regions.filter((region) => region.name !== "westeurope"),
                    };
                },
            });
            assert.match(message, /location = "westeurope".*a region Azure lists for this subscription/s);
        });

        it("falls back to this release's list when Azure's cannot be read", async () => {
            const unreadable = (standIn: ArmStandIn) =>
                standIn.faults.push({ path: /\/locations$/, kind: "unauthorized" });
            const run = await runProgram(validConfig(), { arm: unreadable });
            assert.strictEqual(await run.output("provisioner"), "docker-extension");
            const message = await refusal(validConfig({ location: "atlantiscentral" }), { arm: unreadable });
            assert.match(
                message,
                /location = "atlantiscentral".*a region this release knows.*Azure's own list could not be read/s,
            );
        });
    });

    describe("the provider's cloud", () => {
        it("asks the US Government cloud's Resource Manager when the provider's environment says so", async () => {
            // No metadata host: the environment decides, as it does for the provider. Nothing answers
            // from this machine, so the refusal names where the preflight went.
            const message = await refusal(
                validConfig({ "azure-native:metadataHost": "", "azure-native:environment": "usgovernment" }),
            );
            assert.match(
                message,
                /GET https:\/\/management\.usgovcloudapi\.net\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\//,
            );
        });
    });

    describe("when Resource Manager cannot answer", () => {
        it("names the call and what to check on a 401", async () => {
            const message = await refusal(validConfig(), {
                arm: (standIn) => standIn.faults.push({ path: /\/skus$/, kind: "unauthorized" }),
            });
            assert.match(
                message,
                /GET https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\/skus \(the VM sizes offered in eastasia\) answered HTTP 401 ExpiredAuthenticationToken .*run `az login`/,
            );
        });

        it("gives up on a call that does not answer within its limit, and names it", async () => {
            const started = Date.now();
            const message = await refusal(validConfig(), {
                arm: (standIn) => standIn.faults.push({ path: /\/types\/DockerExtension\/versions$/, kind: "stall" }),
            });
            const elapsed = Date.now() - started;
            assert.match(
                message,
                /\(the versions of the Microsoft\.Azure\.Extensions\/DockerExtension extension in eastasia\) failed \(ETIMEDOUT: no complete answer within 10 s\)/,
            );
            assert.ok(elapsed >= 10_000 && elapsed < 20_000, `took ${elapsed} ms`);
        });

        it("retries a 429 once after its Retry-After", async () => {
            const run = await runProgram(validConfig(), {
                arm: (standIn) =>
                    standIn.faults.push({ path: /\/skus$/, kind: "throttled", times: 1, retryAfterSeconds: 1 }),
            });
            assert.strictEqual(await run.output("provisioner"), "docker-extension");
            const standIn = await armStandIn();
            const attempts = standIn.requests.filter(
                (request) => request.path.endsWith("/skus") && !request.query.has("$skiptoken"),
            );
            assert.strictEqual(attempts.length, 2);
            assert.ok(attempts[1]!.at - attempts[0]!.at >= 1_000, "the retry did not wait for Retry-After");
        });

        it("reports throttling that persists, or asks for a longer wait than it will make", async () => {
            assert.match(
                await refusal(validConfig(), {
                    arm: (standIn) =>
                        standIn.faults.push({ path: /\/skus$/, kind: "throttled", times: 2, retryAfterSeconds: 1 }),
                }),
                /answered HTTP 429 SubscriptionRequestsThrottled .* again after one retry: Azure is throttling/,
            );
            assert.match(
                await refusal(validConfig(), {
                    arm: (standIn) =>
                        standIn.faults.push({ path: /\/skus$/, kind: "throttled", times: 1, retryAfterSeconds: 1200 }),
                }),
                /it asks to wait 1200 s: run again later/,
            );
        });
    });

    describe("turned off", () => {
        it("asks Resource Manager nothing and chooses cloud-init for a new host, saying why", async () => {
            const run = await runProgram(validConfig({ preflight: "false" }));
            assert.deepStrictEqual((await armStandIn()).requests, []);
            assert.ok(!mocks.calls.some((call) => call.token.startsWith("azure-native:")));
            assert.strictEqual(await run.output("provisioner"), "cloud-init");
            assert.ok(run.messages.some((message) => /the preflight is off/.test(message)));
        });

        it("still keeps what an existing host runs", async () => {
            const run = await runProgram(validConfig({ preflight: "false" }), {
                previousOutputs: { provisioner: "docker-extension", dockerHost: "tcp://x:2376" },
            });
            assert.strictEqual(await run.output("provisioner"), "docker-extension");
        });
    });
});
