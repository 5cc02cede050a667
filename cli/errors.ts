/**
 * A refusal meant for the operator: the tool prints its message alone on stderr and exits 2, with
 * nothing on stdout, so `eval "$(azure-docker-host env ...)"` never runs half an answer.
 */
export class CliError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CliError";
    }
}
