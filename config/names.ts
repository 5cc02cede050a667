/**
 * User names Azure refuses for a VM's admin account, plus accounts and groups that already exist on
 * Ubuntu images (cloud-init would fail to create them, or would hand the admin a system identity).
 */
// prettier-ignore
export const reservedAdminUsernames: ReadonlySet<string> = new Set([
    // Azure's documented list for osProfile.adminUsername.
    "1", "123", "a", "actuser", "adm", "admin", "admin1", "admin2", "administrator", "aspnet",
    "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
    "support_388945a0", "sys", "test", "test1", "test2", "test3", "user", "user1", "user2", "user3",
    "user4", "user5",
    // Present on Ubuntu LTS images, or created by the Docker packages.
    "bin", "daemon", "docker", "games", "irc", "list", "lp", "mail", "man", "messagebus", "news",
    "nobody", "proxy", "sync", "syslog", "uucp", "www-data",
]);

/** Linux's useradd limit is 32 characters, tighter than Azure's 64, so it is the one that binds. */
const adminUsernamePattern = /^[a-z_][a-z0-9_-]{0,31}$/;

export const adminUsernameRules =
    "1 to 32 characters of lowercase letters, digits, '-' or '_', starting with a letter or '_', " +
    "and not a reserved name (root, admin, administrator, docker, ...)";

export function isValidAdminUsername(name: string): boolean {
    return adminUsernamePattern.test(name) && !reservedAdminUsernames.has(name);
}

/** Azure's rule for a public IP's domain name label. */
const dnsLabelPattern = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

export const dnsLabelRules =
    "3 to 63 characters of lowercase letters, digits and '-', starting with a letter and not ending with '-'";

export function isValidDnsLabel(label: string): boolean {
    return dnsLabelPattern.test(label);
}
