/** Words that, in a property or output name, say it holds a credential. */
const credentialWords = [
    "privatekey",
    "password",
    "passwd",
    "passphrase",
    "connectionstring",
    "jointoken",
    "workertoken",
    "managertoken",
];

/**
 * True when a name says its value is a private key, a password, a connection string or a swarm
 * join token: privateKeyPem, sshPrivateKey, adminPassword, redisConnectionString, workerToken, and the `<role>KeyPem` names
 * this stack gives PEM private keys (clientKeyPem, serverKeyPem). A public key names itself so.
 */
export function namesCredential(name: string): boolean {
    const squashed = name.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (credentialWords.some((word) => squashed.includes(word))) {
        return true;
    }
    return squashed.endsWith("keypem") && !squashed.includes("publickey");
}
