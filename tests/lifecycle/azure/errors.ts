/** An error as Resource Manager reports one: its code, then its message, as azure-native prints them. */
export class AzureError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(`Status=${status} Code="${code}" Message="${message}"`);
        this.name = "AzureError";
    }
}

export const notFound = (what: string, id: string) =>
    new AzureError(
        404,
        what === "resource group" ? "ResourceGroupNotFound" : "ResourceNotFound",
        `The ${what} '${id}' could not be found.`,
    );
