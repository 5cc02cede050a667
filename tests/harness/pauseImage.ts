import { busyboxRootfsTar } from "./busyboxImage";

/**
 * `/pause` as Kubernetes' pause.c behaves (build/pause/linux/pause.c): `-v` anywhere among its
 * arguments prints its version and exits 0; otherwise it sleeps until SIGINT or SIGTERM, then exits
 * 0, reaping whatever it is left as a first process does. The shell's `wait` is what reaps here.
 */
const pauseScript = `#!/bin/sh
for argument in "$@"; do
  if [ "$argument" = -v ]; then echo "pause.c stand-in"; exit 0; fi
done
trap 'exit 0' INT TERM
sleep 2147483647 &
wait $!
`;

/** The image config pause's image carries: the binary as entrypoint, its own unprivileged user. */
export const pauseImageConfig = { Entrypoint: ["/pause"], User: "65535:65535" };

/** A stand-in for registry.k8s.io/pause on the busybox root, for `docker import` or a registry. */
export function pauseRootfsTar(): { tar: string; dispose(): void } {
    return busyboxRootfsTar([
        { path: "/etc/stand-in-image", content: "pause\n" },
        { path: "/pause", content: pauseScript, mode: 0o755 },
    ]);
}

/** `docker import --change` flags that give an imported root pause's config. */
export const pauseImportChanges = [
    `--change=ENTRYPOINT ${JSON.stringify(pauseImageConfig.Entrypoint)}`,
    `--change=USER ${pauseImageConfig.User}`,
];
