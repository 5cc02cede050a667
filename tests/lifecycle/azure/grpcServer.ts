import * as grpc from "@grpc/grpc-js";
import * as emptyProto from "google-protobuf/google/protobuf/empty_pb";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { AzureStandInProvider } from "./provider";

type Call<T> = grpc.ServerUnaryCall<T, unknown>;
type Done = grpc.sendUnaryData<unknown>;

const toStruct = (value: unknown) =>
    structProto.Struct.fromJavaScript((value ?? {}) as Record<string, structProto.JavaScriptValue>);
const fromStruct = (value: structProto.Struct | undefined) => (value?.toJavaScript() ?? {}) as Record<string, any>;

/** Answers one call, turning a thrown error into the gRPC error the engine prints. */
function answer<T>(work: (call: Call<T>) => Promise<unknown>) {
    return (call: Call<T>, done: Done) => {
        work(call).then(
            (response) => done(null, response),
            (error: Error) =>
                done(
                    { code: grpc.status.UNKNOWN, details: error.message, message: error.message } as grpc.ServiceError,
                    null,
                ),
        );
    };
}

/**
 * The provider's gRPC face, written against Pulumi's protocol directly rather than
 * `@pulumi/pulumi/provider`'s server, because azure-native answers Configure with supportsPreview:
 * in a preview the engine asks it for a create's or an update's outputs, and it answers with the
 * inputs and unknowns for everything Azure computes. A program's first preview depends on that.
 */
export async function serve(provider: AzureStandInProvider): Promise<number> {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    const implementation: Partial<Record<string, unknown>> = {
        getPluginInfo: answer(async () => new pluginProto.PluginInfo().setVersion(provider.version)),
        getSchema: answer(async () => new providerProto.GetSchemaResponse().setSchema("{}")),
        checkConfig: answer<providerProto.CheckRequest>(async (call) =>
            new providerProto.CheckResponse().setInputs(call.request.getNews()),
        ),
        diffConfig: answer(async () =>
            new providerProto.DiffResponse().setChanges(providerProto.DiffResponse.DiffChanges.DIFF_NONE),
        ),
        configure: answer(async () =>
            new providerProto.ConfigureResponse()
                .setAcceptsecrets(true)
                .setSupportspreview(true)
                .setAcceptresources(true)
                .setAcceptoutputs(true),
        ),
        attach: answer(async () => new emptyProto.Empty()),
        cancel: answer(async () => new emptyProto.Empty()),
        invoke: answer<providerProto.InvokeRequest>(async (call) => {
            const result = await provider.invoke(call.request.getTok(), fromStruct(call.request.getArgs()));
            return new providerProto.InvokeResponse().setReturn(toStruct(result.outputs));
        }),
        check: answer<providerProto.CheckRequest>(async (call) => {
            const request = call.request;
            const result = await provider.check(
                request.getUrn(),
                fromStruct(request.getOlds()),
                fromStruct(request.getNews()),
            );
            const response = new providerProto.CheckResponse().setInputs(toStruct(result.inputs));
            response.setFailuresList(
                (result.failures ?? []).map((failure) =>
                    new providerProto.CheckFailure().setProperty(failure.property).setReason(failure.reason),
                ),
            );
            return response;
        }),
        diff: answer<providerProto.DiffRequest>(async (call) => {
            const request = call.request;
            const result = await provider.diff(
                request.getId(),
                request.getUrn(),
                fromStruct(request.getOlds()),
                fromStruct(request.getNews()),
            );
            const response = new providerProto.DiffResponse()
                .setChanges(
                    result.changes
                        ? providerProto.DiffResponse.DiffChanges.DIFF_SOME
                        : providerProto.DiffResponse.DiffChanges.DIFF_NONE,
                )
                .setReplacesList(result.replaces)
                .setDiffsList(result.diffs)
                .setDeletebeforereplace(result.deleteBeforeReplace)
                .setHasdetaileddiff(true);
            const detailed = response.getDetaileddiffMap();
            for (const [path, kind] of Object.entries(result.detailed)) {
                detailed.set(path, new providerProto.PropertyDiff().setKind(kind).setInputdiff(true));
            }
            return response;
        }),
        create: answer<providerProto.CreateRequest>(async (call) => {
            const request = call.request;
            const result = await provider.create(
                request.getUrn(),
                fromStruct(request.getProperties()),
                request.getPreview(),
            );
            return new providerProto.CreateResponse().setId(result.id).setProperties(toStruct(result.outs));
        }),
        read: answer<providerProto.ReadRequest>(async (call) => {
            const request = call.request;
            const result = await provider.read(request.getId(), request.getUrn(), fromStruct(request.getProperties()));
            const response = new providerProto.ReadResponse()
                .setId(result.id ?? "")
                .setProperties(toStruct(result.props));
            if (result.inputs) {
                response.setInputs(toStruct(result.inputs));
            }
            return response;
        }),
        update: answer<providerProto.UpdateRequest>(async (call) => {
            const request = call.request;
            const result = await provider.update(
                request.getId(),
                request.getUrn(),
                fromStruct(request.getOlds()),
                fromStruct(request.getNews()),
                request.getPreview(),
            );
            return new providerProto.UpdateResponse().setProperties(toStruct(result.outs));
        }),
        delete: answer<providerProto.DeleteRequest>(async (call) => {
            const request = call.request;
            await provider.delete(request.getId(), request.getUrn(), fromStruct(request.getProperties()));
            return new emptyProto.Empty();
        }),
    };
    server.addService(providerRpc.ResourceProviderService, implementation as grpc.UntypedServiceImplementation);
    return new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) =>
            error ? reject(error) : resolve(port),
        ),
    );
}
